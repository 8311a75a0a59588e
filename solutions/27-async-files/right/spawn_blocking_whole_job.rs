//! Right: the whole job written with std::fs in a plain function, run in one tokio::task::spawn_blocking: the runtime's thread only waits for the result.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn with_name(name: &str) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |error| io::Error::new(error.kind(), format!("{name}: {error}"))
}

fn count_lines_blocking(dir: PathBuf) -> io::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    for entry in fs::read_dir(&dir).map_err(with_name(&dir.display().to_string()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if fs::metadata(&path).map_err(with_name(&name))?.is_dir() {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(with_name(&name))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || count_lines_blocking(dir))
        .await
        .map_err(io::Error::other)?
}
