//! Wrong: lists the directory with `std::fs::read_dir` (an iterator is easier than `next_entry`) and reads the files with tokio::fs: the listing blocks the runtime's thread.
//! Caught by: no_std_fs_call_runs_on_the_runtime_thread

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    // WRONG: a blocking call, on the runtime's thread.
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|error| io::Error::new(error.kind(), format!("{name}: {error}")))?;
        if metadata.is_dir() {
            continue;
        }
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|error| io::Error::new(error.kind(), format!("{name}: {error}")))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}
