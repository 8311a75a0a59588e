//! Wrong: reads every file in a `tokio::spawn`ed task of its own, keeps the JoinHandles in a `Vec` and awaits them in order with `?`: on the first error it returns, and the reads still in progress (a slow file, a pipe) go on in the background, detached.
//! Caught by: an_error_stops_the_reads_in_progress

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

fn named(name: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{name}: {e}"))
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut tasks = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        tasks.push(tokio::spawn(async move {
            let meta = tokio::fs::metadata(&path)
                .await
                .map_err(|e| named(&name, e))?;
            if meta.is_dir() {
                return Ok(None);
            }
            let text = tokio::fs::read_to_string(&path)
                .await
                .map_err(|e| named(&name, e))?;
            Ok::<_, io::Error>(Some((name, text.lines().count())))
        }));
    }
    let mut out = BTreeMap::new();
    for task in tasks {
        if let Some((name, n)) = task.await.map_err(io::Error::other)?? {
            out.insert(name, n);
        }
    }
    Ok(out)
}
