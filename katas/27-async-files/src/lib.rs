//! Kata 27: read files without blocking.
//!
//! Count the lines of every file in a directory, from async code. Reading a
//! file is a blocking system call: the thread waits until the disk (or the
//! network share, or the pipe) delivers. Do it with `std::fs` in an async fn
//! and the runtime's thread waits with it, along with every task on it. Use
//! `tokio::fs`, which runs those calls on tokio's blocking thread pool and
//! lets you `.await` them.
//!
//! Fill in the `todo!()`. README.md explains tokio::fs and exactly what the
//! tests check.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Counts the lines of every file directly inside `dir`, by file name.
///
/// - Every entry of `dir` that is not a directory is read as UTF-8 text
///   (follow symlinks; named pipes and other special files are read too).
///   Subdirectories are skipped, not descended into.
/// - Lines are counted like `str::lines`: `"a\nb"` and `"a\nb\n"` have 2,
///   `""` has 0, `"\n\n"` has 2; a `"\r\n"` ending counts as one.
/// - The key is the entry's file name (`"notes.txt"`, not a path).
/// - A missing `dir` is an error of kind `NotFound`.
/// - A file that cannot be read, or is not valid UTF-8, is an error that
///   keeps the original error's kind (`InvalidData` for bad UTF-8) and
///   whose message names the file.
///
/// Never block the runtime's thread: no `std::fs` here.
pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    // List the directory with `tokio::fs::read_dir`, check each entry with
    // `tokio::fs::metadata`, read it with `tokio::fs::read_to_string`.
    let _ = dir;
    todo!("count the lines of every file in `dir`, with tokio::fs")
}
