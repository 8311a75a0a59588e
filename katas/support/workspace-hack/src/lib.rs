//! Has no code: its dependency list is what matters (see `Cargo.toml`).
