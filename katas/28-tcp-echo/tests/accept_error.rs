//! When `accept` itself fails, `serve` returns that error.
//!
//! The README says so, and this is the one way to see it: `serve` takes a
//! real `TcpListener`, so the test makes the operating system refuse to
//! accept. A process may only hold so many open files (sockets included);
//! the test lowers that limit (`RLIMIT_NOFILE`) while a client is waiting
//! to be accepted, so that `accept` fails with "Too many open files"
//! (EMFILE), the most common accept error a real server meets.
//!
//! The limit is the whole process's, so this test lives in a test file of
//! its own (its own process) and puts the limit back as soon as `serve`
//! has answered. It needs a Unix system; elsewhere it says it does not
//! apply, and passes.
//!
//! | mistake | the test that catches it |
//! |---|---|
//! | a failed accept skipped (`continue`, `let Ok(..) else { continue }`): `serve` spins on the error and never returns it | `serve_returns_the_error_when_accept_fails` |
//! | a failed accept retried (after a sleep, or at once) instead of returned | `serve_returns_the_error_when_accept_fails` |
//! | `accept().await.unwrap()` (or `expect`): `serve` panics instead of returning the error | `serve_returns_the_error_when_accept_fails` |
//! | the accept error turned into `Ok(())` | `serve_returns_the_error_when_accept_fails` |

#[cfg(unix)]
use kata_28_tcp_echo::serve;
#[cfg(unix)]
use kata_support::{assert_no_leaked_tasks, fmt_duration};
#[cfg(unix)]
use tokio::io::{AsyncReadExt, AsyncWriteExt};
#[cfg(unix)]
use tokio::net::{TcpListener, TcpStream};
#[cfg(unix)]
use tokio::time::{Instant, timeout_at};
#[cfg(unix)]
use unix::{LIMIT, NoMoreFiles, is_emfile};

#[cfg(unix)]
mod unix {
    use std::io;
    use std::time::Duration;

    /// How long the whole test may take, in real time; a correct `serve`
    /// needs a few milliseconds.
    pub const LIMIT: Duration = Duration::from_millis(1500);

    /// While alive, this process may open no file at all: its soft limit of
    /// open files is 0, so the next `accept` fails with EMFILE. Dropping it
    /// puts the limit back (also when the test panics).
    pub struct NoMoreFiles {
        saved: libc::rlimit,
    }

    impl NoMoreFiles {
        pub fn now() -> NoMoreFiles {
            let mut saved = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit and setrlimit only read and write the
            // rlimit values passed to them.
            unsafe {
                assert_eq!(
                    libc::getrlimit(libc::RLIMIT_NOFILE, &mut saved),
                    0,
                    "the test could not read the limit of open files: {}",
                    io::Error::last_os_error()
                );
                let none = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: saved.rlim_max,
                };
                assert_eq!(
                    libc::setrlimit(libc::RLIMIT_NOFILE, &none),
                    0,
                    "the test could not lower the limit of open files: {}",
                    io::Error::last_os_error()
                );
            }
            NoMoreFiles { saved }
        }
    }

    impl Drop for NoMoreFiles {
        fn drop(&mut self) {
            // SAFETY: as above.
            unsafe {
                libc::setrlimit(libc::RLIMIT_NOFILE, &self.saved);
            }
        }
    }

    pub fn is_emfile(error: &io::Error) -> bool {
        let expected = io::Error::from_raw_os_error(libc::EMFILE).to_string();
        let text = expected.split(" (os error").next().unwrap_or(&expected);
        error.raw_os_error() == Some(libc::EMFILE) || error.to_string().contains(text)
    }
}

#[cfg(unix)]
#[tokio::test]
async fn serve_returns_the_error_when_accept_fails() {
    // Real sockets, so the real clock (not paused), under a real limit.
    let deadline = Instant::now() + LIMIT;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test could not bind a listener on 127.0.0.1");
    let addr = listener.local_addr().expect("the listener has an address");
    let mut server = tokio::spawn(serve(listener, std::future::pending()));

    // Client A is accepted and echoed: serve is running, with a
    // connection open.
    let mut a = timeout_at(deadline, TcpStream::connect(addr))
        .await
        .expect("client A could not connect within the time limit")
        .expect("client A could not connect to serve's listener");
    a.write_all(b"ping\n")
        .await
        .expect("client A could not send");
    let mut echo = [0u8; 5];
    match timeout_at(deadline, a.read_exact(&mut echo)).await {
        Ok(Ok(_)) if &echo == b"ping\n" => {}
        other => panic!(
            "client A connected and sent \"ping\\n\", but was not echoed ({other:?}): \
             serve must accept connections and run handle on each, in its own task."
        ),
    }

    // Client B connects: the OS completes the connection and queues it
    // for serve's next accept. Then, before serve's task can run again
    // (no .await in between, on this one-thread runtime), the process
    // runs out of files: accepting B needs a file descriptor, and the
    // OS refuses with EMFILE, "Too many open files".
    let b = std::net::TcpStream::connect(addr).expect("client B could not connect");
    let no_more_files = NoMoreFiles::now();
    let ended = timeout_at(deadline, &mut server).await;
    drop(no_more_files);

    let ended = match ended {
        Ok(ended) => ended,
        Err(_) => {
            server.abort();
            panic!(
                "accept started failing with \"Too many open files\" (EMFILE), and serve \
                 was still running {} later: it never returned the error. The README: \
                 \"If accepting fails, it returns that error.\" A failed accept that is \
                 skipped (`continue`, `let Ok(..) = accepted else {{ continue }}`) or \
                 retried fails again at once, for ever: the loop spins on the error. \
                 Return it: `let (socket, _) = accepted?;`.",
                fmt_duration(LIMIT)
            );
        }
    };
    match ended {
        Ok(Err(error)) if is_emfile(&error) => {}
        Ok(Err(error)) => panic!(
            "accept failed with \"Too many open files\" (EMFILE), and serve returned \
             Err({error}): return accept's own error (`accepted?`), not another one."
        ),
        Ok(Ok(())) => panic!(
            "accept failed with \"Too many open files\" (EMFILE), and serve returned \
             Ok(()) although it was never told to stop. Return the error: \
             `let (socket, _) = accepted?;`."
        ),
        Err(join_error) => panic!(
            "accept failed with \"Too many open files\" (EMFILE), and serve panicked \
             ({join_error}): is accept's result unwrap()ed or expect()ed? serve returns \
             the error instead, `let (socket, _) = accepted?;`, and its caller decides."
        ),
    }

    // Returning (with the error, as any other way) closes the
    // connections still open: client A's ends.
    assert_no_leaked_tasks(
        "serve returned an accept error with client A still connected (its connection \
         must close with serve: a JoinSet owned by serve aborts its tasks when it is \
         dropped)",
    )
    .await;
    let mut byte = [0u8; 1];
    let read = timeout_at(deadline, a.read(&mut byte)).await;
    assert!(
        matches!(read, Ok(Ok(0) | Err(_))),
        "client A read {read:?} after serve returned its accept error, expected its \
         connection to be closed (end of file)."
    );
    drop(b);
}

#[cfg(not(unix))]
#[test]
fn serve_returns_the_error_when_accept_fails() {
    eprintln!(
        "This test does not apply here: it makes accept fail by lowering the limit of open \
         files (RLIMIT_NOFILE), which only Unix systems have. It passes without checking \
         anything."
    );
}
