//! Wrong: uses std::fs for everything (read_dir, metadata, read_to_string) inside the async fn: correct results, but every call blocks the runtime's thread, and a slow file stops every other task.
//! Caught by: reading_a_slow_file_does_not_block_the_runtime

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    // WRONG: an async fn with no `.await` and blocking calls inside.
    let mut counts = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|error| about(&dir.display().to_string(), error))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if std::fs::metadata(&path)
            .map_err(|error| about(&name, error))?
            .is_dir()
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|error| about(&name, error))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
