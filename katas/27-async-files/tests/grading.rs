//! Grading tests for kata 27: read files without blocking.
//!
//! Every test works in a fresh temporary directory. File I/O happens on
//! real threads (tokio::fs uses the blocking pool), so these tests run on
//! tokio's ordinary current-thread runtime, without the paused clock, and
//! measure no time.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use kata_27_async_files::count_lines;
use tempfile::TempDir;

/// A fresh temporary directory with `files` (name, contents) in it.
fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("could not create a temporary directory");
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).expect("could not write a test file");
    }
    dir
}

/// The error `count_lines` returned, or a failure saying it returned Ok.
fn expect_error(result: io::Result<BTreeMap<String, usize>>, what: &str, why: &str) -> io::Error {
    match result {
        Err(error) => error,
        Ok(counts) => {
            panic!("count_lines on {what} returned Ok({counts:?}), expected an error. {why}")
        }
    }
}

#[tokio::test]
async fn counts_the_lines_of_every_file() {
    let dir = dir_with(&[
        ("empty.txt", b""),
        (
            "haiku.txt",
            b"over the wintry\nforest, winds howl in rage\nwith no leaves to blow\n",
        ),
        ("no-final-newline.txt", b"first\nsecond"),
        ("blank-lines.txt", b"\n\n\n"),
        ("windows.txt", b"one\r\ntwo\r\n"),
    ]);
    // A subdirectory, with a file of its own: skipped, not descended into.
    fs::create_dir(dir.path().join("nested")).unwrap();
    fs::write(dir.path().join("nested").join("inner.txt"), "x\n").unwrap();

    let counts = match count_lines(dir.path()).await {
        Ok(counts) => counts,
        Err(error) => panic!(
            "count_lines on a directory of five text files and one subdirectory returned \
             Err({error}), expected the line counts. (Subdirectories are skipped: is one being \
             read as a file?)"
        ),
    };
    let report: String = counts
        .iter()
        .map(|(name, lines)| format!("{name}: {lines}\n"))
        .collect();
    insta::with_settings!({
        description => "count_lines on a directory holding empty.txt (\"\"), haiku.txt (3 lines \
            ending in \\n), no-final-newline.txt (\"first\\nsecond\"), blank-lines.txt \
            (\"\\n\\n\\n\"), windows.txt (\"one\\r\\ntwo\\r\\n\") and a subdirectory nested/. Lines \
            are counted like str::lines (a last line without \\n still counts); the \
            subdirectory is skipped, and the keys are file names, not paths.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("line_counts", report);
    });
}

#[tokio::test]
async fn an_empty_directory_gives_an_empty_map() {
    let dir = dir_with(&[]);
    let counts = count_lines(dir.path()).await;
    assert!(
        matches!(&counts, Ok(counts) if counts.is_empty()),
        "count_lines on an empty directory returned {counts:?}, expected Ok({{}})."
    );
}

#[tokio::test]
async fn a_missing_directory_is_not_found() {
    let dir = dir_with(&[]);
    let missing = dir.path().join("no-such-dir");
    let error = expect_error(
        count_lines(&missing).await,
        "a directory that does not exist",
        "There is nothing to count: pass on the error from tokio::fs::read_dir.",
    );
    assert_eq!(
        error.kind(),
        io::ErrorKind::NotFound,
        "count_lines on a directory that does not exist returned the error \"{error}\" of \
         kind {:?}, expected kind NotFound. Pass on the error from tokio::fs::read_dir (adding \
         context to its message is fine, but keep its kind: io::Error::new(error.kind(), ..)).",
        error.kind()
    );
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_an_error_that_names_it() {
    let dir = dir_with(&[
        ("fine.txt", b"hello\n"),
        (
            "photo.jpg",
            &[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F'],
        ),
    ]);
    let error = expect_error(
        count_lines(dir.path()).await,
        "a directory holding photo.jpg, which is not UTF-8 text,",
        "A file that is not valid UTF-8 is not text whose lines can be counted: report it \
         (tokio::fs::read_to_string fails with InvalidData). String::from_utf8_lossy would \
         hide the problem.",
    );
    assert_eq!(
        error.kind(),
        io::ErrorKind::InvalidData,
        "count_lines on a directory holding a file that is not UTF-8 returned the error \
         \"{error}\" of kind {:?}, expected kind InvalidData (what \
         tokio::fs::read_to_string returns for bytes that are not UTF-8). Converting with \
         String::from_utf8_lossy hides the problem instead of reporting it.",
        error.kind()
    );
    assert!(
        error.to_string().contains("photo.jpg"),
        "count_lines failed on photo.jpg (not UTF-8) with the error \"{error}\", which does not \
         say which file is bad. Put the file name in the message, keeping the kind: \
         io::Error::new(error.kind(), format!(\"{{name}}: {{error}}\"))."
    );
}

#[cfg(unix)]
#[tokio::test]
async fn an_unreadable_file_is_an_error_that_names_it() {
    let dir = dir_with(&[("fine.txt", b"hello\n")]);
    // A symlink to a file that does not exist: listed, but cannot be read.
    std::os::unix::fs::symlink(
        dir.path().join("deleted.txt"),
        dir.path().join("dangling.txt"),
    )
    .unwrap();
    let error = expect_error(
        count_lines(dir.path()).await,
        "a directory holding dangling.txt, a symlink to a file that no longer exists,",
        "dangling.txt is listed, but it cannot be read: that is an error, not a file to skip.",
    );
    assert!(
        error.to_string().contains("dangling.txt"),
        "count_lines failed on dangling.txt (a symlink to a deleted file) with the error \
         \"{error}\", which does not say which file could not be read. Put the file name in \
         the message, keeping the kind: io::Error::new(error.kind(), format!(\"{{name}}: \
         {{error}}\"))."
    );
}

/// Makes a named pipe (FIFO) at `path`.
#[cfg(unix)]
fn make_fifo(path: &Path) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    let status = unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) };
    assert_eq!(
        status,
        0,
        "the test could not create a named pipe: {}",
        io::Error::last_os_error()
    );
}

/// Opens the read end of the pipe without waiting, so that a writer still
/// waiting for a reader can go on.
#[cfg(unix)]
fn open_reader_without_waiting(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(unix)]
#[tokio::test]
async fn reading_a_slow_file_does_not_block_the_runtime() {
    use std::io::Write;
    use std::time::Duration;

    // "live.log" is a named pipe: reading it waits until the test's writer
    // thread writes. It stands for any slow file: a network share, a busy
    // disk. Next to it, an ordinary file.
    let dir = dir_with(&[("notes.txt", b"a\nb\nc\n")]);
    let pipe = dir.path().join("live.log");
    make_fifo(&pipe);

    // The witness: a task on this test's runtime (one thread, shared with
    // count_lines). It answers the writer's question as soon as it gets to
    // run, which it can only do while count_lines is not blocking the thread.
    let (ask, mut question) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (answer, answered) = std::sync::mpsc::channel::<()>();
    let witness = tokio::spawn(async move {
        if question.recv().await.is_some() {
            let _ = answer.send(());
        }
    });

    // The writer: a real thread, outside the runtime. Once count_lines has
    // opened the pipe (so it is reading it now), the writer asks the witness
    // whether the runtime is free, waits for the answer (giving up after 1s
    // of real time, which only happens if the runtime's thread is blocked),
    // and then writes two lines and closes the pipe.
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let mut end = fs::OpenOptions::new().write(true).open(&pipe)?;
            let _ = ask.send(());
            let runtime_was_free = answered.recv_timeout(Duration::from_secs(1)).is_ok();
            end.write_all(b"first line\nsecond line\n")?;
            Ok::<bool, io::Error>(runtime_was_free)
        })
    };

    let result = count_lines(dir.path()).await;

    // If count_lines never opened the pipe, the writer is still waiting for a
    // reader: give it one, so that it can finish.
    let _drain = open_reader_without_waiting(&pipe);
    let runtime_was_free = tokio::task::spawn_blocking(move || writer.join())
        .await
        .expect("the test's writer thread could not be joined")
        .expect("the test's writer thread panicked")
        .expect("the test's writer thread could not use the pipe");
    witness.await.expect("the witness task panicked");

    let counts = match result {
        Ok(counts) => counts,
        Err(error) => panic!(
            "count_lines on a directory holding notes.txt and live.log (a named pipe) returned \
             Err({error}). A pipe is read like a file: it just takes a while to deliver."
        ),
    };
    assert!(
        counts.contains_key("live.log"),
        "count_lines returned {counts:?}, without live.log. live.log is a named pipe, standing \
         for a slow file here; `is_file()` is false for it. Read every entry that is not a \
         directory (skip only `is_dir()`)."
    );
    assert!(
        runtime_was_free,
        "count_lines blocked the runtime's thread while it read live.log: another task on the \
         same runtime could not run for 1s, until the test gave up and let the read finish.\n\
         A std::fs call (std::fs::read_to_string, File::open, read_dir...) blocks the thread \
         it runs on until the file delivers, and in an async fn that is the runtime's thread: \
         every other task on it stops. Use tokio::fs, whose functions run the blocking call \
         on tokio's blocking pool and return a future (or wrap std::fs calls in \
         tokio::task::spawn_blocking yourself)."
    );
    assert_eq!(
        (counts.get("live.log"), counts.get("notes.txt")),
        (Some(&2), Some(&3)),
        "count_lines returned {counts:?}, expected live.log: 2 and notes.txt: 3."
    );
}
