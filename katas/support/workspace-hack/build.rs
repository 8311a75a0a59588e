// Empty on purpose: cargo only honours `[build-dependencies]` for a package
// with a build script, and those dependencies are what unify the features of
// the proc-macro crates (see Cargo.toml).
fn main() {}
