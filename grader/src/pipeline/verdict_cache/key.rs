//! The keys of the verdict cache: a digest of everything a test's verdict
//! depends on (see the parent module for the list, and why).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// Bumped when the entry format or the meaning of a key changes.
const FORMAT: u32 = 2;

/// Environment variables that change between shells without changing what a
/// test sees in any way that matters (and the grader's own profiling switch).
const VOLATILE_ENV: &[&str] = &["_", "OLDPWD", "SHLVL", "GRADER_PROFILE"];

/// Everything outside the test's name that its verdict depends on.
pub struct Inputs<'a> {
    pub binary: &'a Path,
    pub kata_dir: &'a Path,
    /// The graded library file when it is not the kata's own `src/lib.rs`.
    pub lib_source: Option<&'a Path>,
    pub manifest_dir: &'a Path,
    pub repo_root: &'a Path,
    pub limit: Duration,
    /// The environment the test process gets, after pinning (see test_env.rs).
    pub env: &'a [(String, String)],
}

/// The key of one test binary's context, or `None` when some input cannot
/// be read (the test then simply runs).
pub fn context_key(inputs: &Inputs<'_>) -> Option<String> {
    let mut hash = Sha256::new();
    let mut field = |name: &str, value: &[u8]| {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value);
    };
    field("format", &FORMAT.to_le_bytes());
    let grader = std::env::current_exe().ok()?;
    field("grader", identity(&grader)?.as_bytes());
    field("binary", identity(inputs.binary)?.as_bytes());
    field("limit", &inputs.limit.as_millis().to_le_bytes());
    field(
        "memory",
        &crate::pipeline::limits::MEMORY_LIMIT_BYTES.to_le_bytes(),
    );
    for (key, value) in inputs.env {
        if !VOLATILE_ENV.contains(&key.as_str()) {
            field(&format!("env:{key}"), value.as_bytes());
        }
    }
    let mut files = Vec::new();
    list_files(inputs.kata_dir, inputs.kata_dir, &mut files).ok()?;
    files.sort();
    for file in &files {
        let content = std::fs::read(inputs.kata_dir.join(file)).ok()?;
        field(&format!("kata:{}", file.display()), &content);
    }
    if let Some(lib) = inputs.lib_source {
        field("lib", &std::fs::read(lib).ok()?);
    }
    // Present or absent, each is part of the key.
    for (name, path) in [
        ("package manifest", inputs.manifest_dir.join("Cargo.toml")),
        ("workspace manifest", inputs.repo_root.join("Cargo.toml")),
        ("lock", inputs.repo_root.join("Cargo.lock")),
        ("toolchain", inputs.repo_root.join("rust-toolchain.toml")),
    ] {
        match std::fs::read(&path) {
            Ok(content) => field(name, &content),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => field(name, b"<absent>"),
            Err(_) => return None,
        }
    }
    Some(hex(&hash.finalize()))
}

/// The key of one test within its context.
pub fn test_key(context: &str, target: &str, name: &str) -> String {
    let mut hash = Sha256::new();
    for part in [context, target, name] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex(&hash.finalize())
}

/// Path, size, mtime and inode: cargo writes a new file when it relinks.
fn identity(path: &Path) -> Option<String> {
    let stamp = crate::platform::file_stamp(&std::fs::metadata(path).ok()?);
    Some(format!(
        "{}|{}|{}.{}|{}|{}",
        path.display(),
        stamp.len,
        stamp.modified.0,
        stamp.modified.1,
        stamp.inode,
        stamp.device
    ))
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if dir == root && entry.file_name() == "target" {
                continue;
            }
            list_files(root, &path, out)?;
        } else {
            // Symlinks are read through: their target's content counts.
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
