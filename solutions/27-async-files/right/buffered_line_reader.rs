//! Right: opens each file with tokio::fs::File and counts lines with a BufReader and AsyncBufReadExt::lines, one line at a time; errors get the file name through a small helper.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use tokio::fs::{self, File};
use tokio::io::{AsyncBufReadExt, BufReader};

fn named(name: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{name}: {error}"))
}

async fn lines_of(path: &Path) -> io::Result<usize> {
    let mut lines = BufReader::new(File::open(path).await?).lines();
    let mut count = 0;
    while lines.next_line().await?.is_some() {
        count += 1;
    }
    Ok(count)
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut listing = fs::read_dir(dir).await?;
    let mut counts = BTreeMap::new();
    loop {
        let Some(entry) = listing.next_entry().await? else {
            break;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = match fs::metadata(entry.path()).await {
            Ok(metadata) => metadata.is_dir(),
            Err(error) => return Err(named(&name, error)),
        };
        if !is_dir {
            let count = lines_of(&entry.path()).await.map_err(|e| named(&name, e))?;
            counts.insert(name, count);
        }
    }
    Ok(counts)
}
