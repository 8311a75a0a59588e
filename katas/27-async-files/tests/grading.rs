//! Grading tests for kata 27: read files without blocking.
//!
//! Every test works in a fresh temporary directory. File I/O happens on
//! real threads (tokio::fs uses the blocking pool), so these tests run on
//! tokio's ordinary current-thread runtime, without the paused clock, and
//! measure no time. Directory contents (names, line endings, empty files,
//! subdirectories, symlinks) come from fixed seeds; a failure names its seed
//! and the command that replays it.
//!
//! On Linux, this test binary also watches the file system calls made on
//! the runtime's own thread while `count_lines` runs (see `blocking_calls`
//! below): a `std::fs` call there blocks every task on that thread, whether
//! or not the file happens to be slow.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | `std::fs` for everything: the runtime's thread waits for the disk | `reading_a_slow_file_does_not_block_the_runtime`, `no_std_fs_call_runs_on_the_runtime_thread` |
//! | `std::fs::read_to_string` for the files (tokio only for the listing) | `reading_a_slow_file_does_not_block_the_runtime` |
//! | `std::fs::read_dir` for the listing (tokio only for the files) | `no_std_fs_call_runs_on_the_runtime_thread` |
//! | `Path::is_dir()` (a hidden `std::fs::metadata`) to skip directories | `no_std_fs_call_runs_on_the_runtime_thread` |
//! | only `is_file()` entries read: named pipes (and other special files) left out | `reading_a_slow_file_does_not_block_the_runtime` |
//! | `DirEntry::file_type()`, which does not follow symlinks: a link to a directory is read as a file | `counts_the_lines_of_every_file` |
//! | only `*.txt` files counted | `counts_the_lines_of_every_file` |
//! | newline characters counted instead of lines (a last line without `\n` is lost) | `counts_the_lines_of_every_file` |
//! | blank lines not counted | `counts_the_lines_of_every_file` |
//! | `String::from_utf8_lossy`: bytes that are not UTF-8 counted instead of reported | `a_file_that_is_not_utf8_is_an_error_that_names_it` |
//! | errors passed on with a bare `?`: the message does not say which file | `a_file_that_is_not_utf8_is_an_error_that_names_it` |
//! | the file named in read errors but not in `metadata` errors | `an_unreadable_file_is_an_error_that_names_it` |
//! | errors rewrapped with `ErrorKind::Other`: the caller can no longer match on the kind | `a_missing_directory_is_not_found` |
//! | a missing directory turned into an empty map | `a_missing_directory_is_not_found` |
//! | `std::fs` only on the error path (to explain an error: `symlink_metadata`, `exists()`) | `no_std_fs_call_runs_on_the_runtime_thread` (a dangling symlink, a file that is not UTF-8) |
//! | the name taken with `into_string()`, a file whose name is not UTF-8 skipped | `a_file_whose_name_is_not_utf8_is_counted_too` |
//! | a `tokio::spawn` per file, the handles in a `Vec` awaited with `?`: on an error, the reads still running are left behind | `an_error_stops_the_reads_in_progress` |

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use kata_27_async_files::count_lines;
use kata_support::{Rng, assert_no_leaked_tasks, for_each_seed};
use tempfile::TempDir;

/// A fresh temporary directory with `files` (name, contents) in it.
fn dir_with(files: &[(String, Vec<u8>)]) -> TempDir {
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

/// `count` different file names: with and without extensions, dotfiles,
/// spaces, non-ASCII letters.
fn file_names(rng: &mut Rng, count: usize) -> Vec<String> {
    let stems = [
        "notes",
        "README",
        "haiku",
        "data",
        "log",
        "Änderungen",
        "my list",
        "todo",
    ];
    let endings = ["", ".txt", ".md", ".csv", ".log", ".tar.gz", ".TXT"];
    let mut names: Vec<String> = Vec::new();
    while names.len() < count {
        let mut name = format!("{}{}", rng.pick(&stems), rng.pick(&endings));
        if rng.chance(1, 6) {
            name.insert(0, '.');
        }
        if rng.chance(1, 2) {
            name = name.replacen(
                rng.pick(&stems),
                &format!("{}-{}", rng.pick(&stems), rng.range(1, 99)),
                1,
            );
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Text with some lines: various endings, blank lines, a last line with or
/// without its newline, sometimes nothing at all.
fn text(rng: &mut Rng) -> Vec<u8> {
    let words = [
        "over the wintry",
        "forest",
        "winds howl",
        "in rage",
        "é",
        "",
        "  ",
        "a\rb",
    ];
    let mut text = String::new();
    for _ in 0..rng.range(0, 7) {
        let (word, ending) = (*rng.pick(&words), *rng.pick(&["\n", "\n", "\r\n", "\n\n"]));
        text.push_str(word);
        text.push_str(ending);
    }
    if rng.chance(1, 2) {
        let last = *rng.pick(&words[..5]);
        text.push_str(last);
    }
    text.into_bytes()
}

fn lines_in(bytes: &[u8]) -> usize {
    std::str::from_utf8(bytes).unwrap().lines().count()
}

fn describe_dir(entries: &[(String, String)]) -> String {
    entries
        .iter()
        .map(|(name, what)| format!("  {name:?}: {what}\n"))
        .collect()
}

#[tokio::test]
async fn counts_the_lines_of_every_file() {
    for_each_seed(24, |mut rng| async move {
        let count = if rng.chance(1, 8) {
            0
        } else {
            rng.range(1, 7) as usize
        };
        let names = file_names(&mut rng, count + 2);
        let files: Vec<(String, Vec<u8>)> = names[..count]
            .iter()
            .map(|name| (name.clone(), text(&mut rng)))
            .collect();
        let dir = dir_with(&files);
        let mut expected: BTreeMap<String, usize> = files
            .iter()
            .map(|(name, bytes)| (name.clone(), lines_in(bytes)))
            .collect();
        let mut listing: Vec<(String, String)> = files
            .iter()
            .map(|(name, bytes)| {
                (
                    name.clone(),
                    format!("{:?}", String::from_utf8_lossy(bytes)),
                )
            })
            .collect();

        // A subdirectory with a file of its own: skipped, not descended into.
        let sub = names[count].clone();
        fs::create_dir(dir.path().join(&sub)).unwrap();
        fs::write(dir.path().join(&sub).join("inner.txt"), "x\ny\n").unwrap();
        listing.push((sub.clone(), "a directory (holding inner.txt)".into()));

        #[cfg(unix)]
        {
            // A symlink to that directory (skipped too), and, when there is
            // a file, a symlink to it (counted, under the link's name).
            let link = format!("{}-link", names[count + 1]);
            std::os::unix::fs::symlink(dir.path().join(&sub), dir.path().join(&link)).unwrap();
            listing.push((link, format!("a symlink to the directory {sub:?}")));
            if let Some((target, bytes)) = files.first() {
                let link = names[count + 1].clone();
                std::os::unix::fs::symlink(dir.path().join(target), dir.path().join(&link))
                    .unwrap();
                listing.push((link.clone(), format!("a symlink to the file {target:?}")));
                expected.insert(link, lines_in(bytes));
            }
        }

        let listing = describe_dir(&listing);
        let counts = match count_lines(dir.path()).await {
            Ok(counts) => counts,
            Err(error) => panic!(
                "count_lines on a directory holding\n{listing}returned Err({error}), expected \
                 the line counts. Directories, and symlinks to directories, are skipped: is \
                 one read as a file? (DirEntry::file_type does not follow symlinks; \
                 tokio::fs::metadata does.)"
            ),
        };
        assert_eq!(
            counts, expected,
            "count_lines on a directory holding\n{listing}returned {counts:?}, expected \
             {expected:?}.\nLines are counted like str::lines: a last line without \\n still \
             counts, \"\" has none, \"\\r\\n\" ends a line like \"\\n\". Every entry that is \
             not a directory is counted, whatever its name or extension (symlinks are \
             followed), under its file name; subdirectories are skipped, not descended into."
        );
        assert_no_leaked_tasks("count_lines returned").await;
    })
    .await;
}

#[tokio::test]
async fn a_missing_directory_is_not_found() {
    for_each_seed(4, |mut rng| async move {
        let dir = dir_with(&[]);
        let missing = dir.path().join(file_names(&mut rng, 1).remove(0));
        let error = expect_error(
            count_lines(&missing).await,
            "a directory that does not exist",
            "There is nothing to count: pass on the error from tokio::fs::read_dir, so the \
             caller can tell \"no such directory\" from \"an empty one\".",
        );
        assert_eq!(
            error.kind(),
            io::ErrorKind::NotFound,
            "count_lines on a directory that does not exist returned the error \"{error}\" of \
             kind {:?}, expected kind NotFound. Pass on the error from tokio::fs::read_dir \
             (adding context to its message is fine, but keep its kind: \
             io::Error::new(error.kind(), ..), not ErrorKind::Other).",
            error.kind()
        );
    })
    .await;
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_an_error_that_names_it() {
    for_each_seed(8, |mut rng| async move {
        let names = file_names(&mut rng, 3);
        let bad: Vec<u8> = match rng.range(0, 2) {
            0 => vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F'],
            1 => b"caf\xe9\nau lait\n".to_vec(),
            _ => b"ends in the middle of a letter \xe2\x82".to_vec(),
        };
        let dir = dir_with(&[
            (names[0].clone(), b"hello\n".to_vec()),
            (names[1].clone(), bad),
            (names[2].clone(), text(&mut rng)),
        ]);
        let bad_name = &names[1];
        let error = expect_error(
            count_lines(dir.path()).await,
            &format!("a directory holding {bad_name:?}, which is not UTF-8 text,"),
            "A file that is not valid UTF-8 is not text whose lines can be counted: report it \
             (tokio::fs::read_to_string fails with InvalidData). String::from_utf8_lossy would \
             hide the problem.",
        );
        assert_eq!(
            error.kind(),
            io::ErrorKind::InvalidData,
            "count_lines on a directory holding {bad_name:?}, which is not UTF-8, returned the \
             error \"{error}\" of kind {:?}, expected kind InvalidData (what \
             tokio::fs::read_to_string returns for bytes that are not UTF-8). Keep the kind \
             when you add the file's name: io::Error::new(error.kind(), ..).",
            error.kind()
        );
        assert!(
            error.to_string().contains(bad_name.as_str()),
            "count_lines failed on {bad_name:?} (not UTF-8) with the error \"{error}\", which \
             does not say which file is bad. Put the file name in the message, keeping the \
             kind: io::Error::new(error.kind(), format!(\"{{name}}: {{error}}\"))."
        );
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn an_unreadable_file_is_an_error_that_names_it() {
    for_each_seed(4, |mut rng| async move {
        let names = file_names(&mut rng, 3);
        let dir = dir_with(&[(names[0].clone(), text(&mut rng))]);
        // A symlink to a file that does not exist: listed, but cannot be read.
        let dangling = &names[1];
        std::os::unix::fs::symlink(dir.path().join(&names[2]), dir.path().join(dangling)).unwrap();
        let error = expect_error(
            count_lines(dir.path()).await,
            &format!("a directory holding {dangling:?}, a symlink to a file that does not exist,"),
            "It is listed, but it cannot be read: that is an error, not a file to skip.",
        );
        assert!(
            error.to_string().contains(dangling.as_str()),
            "count_lines failed on {dangling:?} (a symlink to a file that does not exist) with \
             the error \"{error}\", which does not say which file could not be read. Every \
             call about a file can fail (tokio::fs::metadata as well as the read): put the file \
             name in each error, keeping the kind: io::Error::new(error.kind(), \
             format!(\"{{name}}: {{error}}\"))."
        );
    })
    .await;
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
    let dir = dir_with(&[("notes.txt".into(), b"a\nb\nc\n".to_vec())]);
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

#[cfg(unix)]
#[tokio::test]
async fn an_error_stops_the_reads_in_progress() {
    use std::io::Write;
    use std::time::Duration;

    for_each_seed(6, |mut rng| async move {
        // Twelve files that are not UTF-8, one text file, and a named pipe
        // that delivers nothing until count_lines has returned (or, if
        // count_lines is reading it first and so cannot return, 300ms of
        // real time have passed). The directory's order is the system's: a
        // solution that leaves reads behind escapes a case only when the
        // pipe comes before every bad file (1 in 13; 1 in 4.8 million for
        // all six), and a correct one that reads in order waits for the
        // pipe just as rarely.
        let names = file_names(&mut rng, 14);
        let mut files: Vec<(String, Vec<u8>)> = names[..12]
            .iter()
            .map(|name| (name.clone(), b"caf\xe9\n".to_vec()))
            .collect();
        files.push((names[12].clone(), text(&mut rng)));
        let dir = dir_with(&files);
        let pipe = dir.path().join(&names[13]);
        make_fifo(&pipe);
        let (returned, told) = std::sync::mpsc::channel::<()>();
        let writer = {
            let pipe = pipe.clone();
            std::thread::spawn(move || {
                let _ = told.recv_timeout(Duration::from_millis(300));
                let mut end = fs::OpenOptions::new().write(true).open(&pipe)?;
                end.write_all(b"late line\n")
            })
        };

        let result = count_lines(dir.path()).await;
        let what = format!(
            "count_lines returned {} on a directory holding {:?} (not UTF-8), {:?} and {:?}, a \
             named pipe that was still being read. Once count_lines has its error, nobody \
             will read the other files' counts: a read it started in a task of its own \
             (tokio::spawn with the JoinHandles in a Vec, dropped by `?`) goes on without \
             it. Read the files in count_lines itself, or in a JoinSet, which aborts its \
             tasks when it is dropped",
            match &result {
                Ok(counts) => format!("Ok({counts:?})"),
                Err(error) => format!("Err({error})"),
            },
            &names[..12],
            names[12],
            names[13]
        );
        // Checked before the pipe delivers: a read left running is still
        // waiting for it. (The writer goes on when this panics, too.)
        assert_no_leaked_tasks(&what).await;
        drop(returned);
        let _drain = open_reader_without_waiting(&pipe);
        tokio::task::spawn_blocking(move || writer.join())
            .await
            .expect("the test's writer thread could not be joined")
            .expect("the test's writer thread panicked")
            .expect("the test's writer thread could not use the pipe");
        let error = expect_error(
            result,
            "a directory holding files that are not UTF-8 and a named pipe",
            "A file that is not valid UTF-8 is an error.",
        );
        assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
    })
    .await;
}

/// Watches the file system calls made on one thread.
///
/// `std::fs` on Linux goes through a few C library functions: `opendir`
/// (`read_dir`), `statx` (`metadata`, `Path::is_dir`, `Path::exists`...)
/// and `open64` (`File::open`, `read_to_string`...). This test binary
/// defines those functions itself, so every call in it, whoever makes it,
/// comes here first; each notes the call if its thread is being watched,
/// then hands it on to the C library's own function. `tokio::fs` makes the
/// same calls, but on its blocking pool's threads, which are never watched.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod blocking_calls {
    use std::cell::{Cell, RefCell};
    use std::ffi::{CStr, c_char, c_int, c_uint};
    use std::sync::OnceLock;

    thread_local! {
        static WATCHING: Cell<bool> = const { Cell::new(false) };
        static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    /// Runs `fut` with this thread watched; returns its output and the
    /// calls made on this thread meanwhile.
    pub async fn watch<F: std::future::Future>(fut: F) -> (F::Output, Vec<String>) {
        SEEN.with(|seen| seen.borrow_mut().clear());
        WATCHING.with(|w| w.set(true));
        let output = fut.await;
        WATCHING.with(|w| w.set(false));
        (output, SEEN.with(|seen| seen.take()))
    }

    fn note(call: &str, path: *const c_char) {
        if WATCHING.try_with(Cell::get).unwrap_or(false) {
            let path = if path.is_null() {
                String::new()
            } else {
                // SAFETY: the C library's callers pass NUL-terminated paths.
                unsafe { CStr::from_ptr(path) }
                    .to_string_lossy()
                    .into_owned()
            };
            let _ = SEEN.try_with(|seen| seen.borrow_mut().push(format!("{call} {path:?}")));
        }
    }

    /// The C library's own `name`, if it has one.
    fn real(name: &'static CStr, cache: &'static OnceLock<usize>) -> Option<usize> {
        let found = *cache.get_or_init(|| {
            // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds the
            // definition after this binary's, the C library's.
            unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) as usize }
        });
        (found != 0).then_some(found)
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn opendir(name: *const c_char) -> *mut libc::DIR {
        static REAL: OnceLock<usize> = OnceLock::new();
        note("std::fs::read_dir (opendir) of", name);
        type Opendir = unsafe extern "C" fn(*const c_char) -> *mut libc::DIR;
        let real = real(c"opendir", &REAL).expect("the C library has no opendir");
        // SAFETY: the address of the C library's opendir, with its signature.
        let real: Opendir = unsafe { std::mem::transmute(real) };
        unsafe { real(name) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn statx(
        dirfd: c_int,
        path: *const c_char,
        flags: c_int,
        mask: c_uint,
        buf: *mut libc::statx,
    ) -> c_int {
        static REAL: OnceLock<usize> = OnceLock::new();
        note("std::fs::metadata (statx) of", path);
        type Statx =
            unsafe extern "C" fn(c_int, *const c_char, c_int, c_uint, *mut libc::statx) -> c_int;
        let Some(real) = real(c"statx", &REAL) else {
            // An old C library without statx: std then falls back to stat.
            // SAFETY: errno is this thread's.
            unsafe { *libc::__errno_location() = libc::ENOSYS };
            return -1;
        };
        // SAFETY: the address of the C library's statx, with its signature.
        let real: Statx = unsafe { std::mem::transmute(real) };
        unsafe { real(dirfd, path, flags, mask, buf) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
        static REAL: OnceLock<usize> = OnceLock::new();
        note("std::fs::File::open (open) of", path);
        type Open = unsafe extern "C" fn(*const c_char, c_int, c_uint) -> c_int;
        let real = real(c"open64", &REAL).expect("the C library has no open64");
        // SAFETY: the address of the C library's open64; its third argument
        // is only read when the flags create a file, as std passes it.
        let real: Open = unsafe { std::mem::transmute(real) };
        unsafe { real(path, flags, mode) }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[tokio::test]
async fn no_std_fs_call_runs_on_the_runtime_thread() {
    for_each_seed(4, |mut rng| async move {
        let names = file_names(&mut rng, 4);
        let files: Vec<(String, Vec<u8>)> =
            names[..3].iter().map(|n| (n.clone(), text(&mut rng))).collect();
        let dir = dir_with(&files);
        fs::create_dir(dir.path().join(&names[3])).unwrap();

        let (result, calls) = blocking_calls::watch(count_lines(dir.path())).await;
        let counts = result.unwrap_or_else(|error| {
            panic!("count_lines on a directory of three text files and a subdirectory returned Err({error})")
        });
        assert_eq!(counts.len(), 3, "count_lines returned {counts:?}");
        assert!(
            calls.is_empty(),
            "while count_lines ran, these file system calls were made on the runtime's own \
             thread:\n  {}\nEach of them blocks the thread until the disk answers, and every \
             other task on it waits meanwhile: here the files were fast, but on a network \
             share or a busy disk they are not. `Path::is_dir()`, `Path::exists()` and \
             `DirEntry::metadata()` of std call std::fs::metadata too. Use tokio::fs \
             (read_dir, metadata, read_to_string), which runs each call on the blocking pool, \
             or run your std::fs code inside tokio::task::spawn_blocking.",
            calls.join("\n  ")
        );
        assert_no_leaked_tasks("count_lines returned").await;

        // The error paths too: a file that cannot be read, one that is not
        // UTF-8. Nothing about the error may be asked of std::fs either.
        let dir = dir_with(&files);
        let dangling = &names[3];
        std::os::unix::fs::symlink(dir.path().join("no-such-file"), dir.path().join(dangling))
            .unwrap();
        let bad = dir_with(&[
            (names[0].clone(), b"caf\xe9\n".to_vec()),
            (names[1].clone(), text(&mut rng)),
        ]);
        for (what, path) in [
            (format!("a directory holding {dangling:?}, a symlink to a file that does not exist"), dir.path()),
            (format!("a directory holding {:?}, which is not UTF-8", names[0]), bad.path()),
        ] {
            let (result, calls) = blocking_calls::watch(count_lines(path)).await;
            assert!(result.is_err(), "count_lines on {what} returned {result:?}, expected an error");
            assert!(
                calls.is_empty(),
                "count_lines on {what} failed, as it should, but while it ran these file system \
                 calls were made on the runtime's own thread:\n  {}\nThe error path must not \
                 block either: a std::fs call to explain an error (symlink_metadata to say \
                 \"dangling symlink\", exists()) blocks the thread like any other. Use tokio::fs \
                 there too, or keep the error as it is, with the file's name.",
                calls.join("\n  ")
            );
        }
    })
    .await;
}

/// A file whose name is not valid UTF-8 (Linux allows any bytes but `/`).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_file_whose_name_is_not_utf8_is_counted_too() {
    use std::os::unix::ffi::OsStrExt;
    for_each_seed(4, |mut rng| async move {
        let names = file_names(&mut rng, 2);
        let files: Vec<(String, Vec<u8>)> =
            names.iter().map(|n| (n.clone(), text(&mut rng))).collect();
        let dir = dir_with(&files);
        let raw: &[u8] = match rng.range(0, 2) {
            0 => b"caf\xe9.txt",
            1 => b"\xff\xfe-report",
            _ => b"notes-\xe2\x82.md",
        };
        let odd = std::ffi::OsStr::from_bytes(raw);
        let body = text(&mut rng);
        fs::write(dir.path().join(odd), &body).unwrap();
        let key = odd.to_string_lossy().into_owned();
        let counts = count_lines(dir.path()).await.unwrap_or_else(|error| {
            panic!(
                "count_lines on a directory holding a file whose name ({key:?}) is not valid \
                 UTF-8 returned Err({error}); its content is text, so it is counted like any \
                 other file."
            )
        });
        let mut expected: BTreeMap<String, usize> = files
            .iter()
            .map(|(n, b)| (n.clone(), lines_in(b)))
            .collect();
        expected.insert(key.clone(), lines_in(&body));
        assert_eq!(
            counts, expected,
            "count_lines on a directory holding a file whose name is not valid UTF-8 (the bytes \
             {raw:?}) returned {counts:?}, expected {expected:?}. Every file is counted, \
             whatever its name: the key is the name made valid with \
             `file_name().to_string_lossy()`. `into_string()` fails for such a name, and \
             skipping the file then hides it."
        );
    })
    .await;
}
