//! Catching a panic to explain it.
//!
//! Some code under test is *expected* to panic when it is wrong in a
//! particular way: tokio panics when a runtime lacks the driver a future
//! needs ("timers are disabled"), or when time is paused on a multi-thread
//! runtime. Those messages are precise but terse. A test can catch the
//! panic with [`catch_panic`], and fail with tokio's message *plus* what it
//! usually means.
//!
//! The default panic hook would print the caught panic first, and graders
//! report the first panic as the cause; so while [`catch_panic`] runs, panics
//! on its thread are not printed. Except one: a `todo!()` is never caught.
//! It is printed and keeps unwinding, so an unwritten kata is reported as
//! "not written yet" rather than as a failure.
//!
//! For the same reason, a test fixture that panics *on purpose* (a job whose
//! panic the code under test must report) is wrapped in [`quiet_panics`]:
//! its panic is not printed, so it is never mistaken for the test's failure.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// What a panic on this thread should add to its message: the seed and
    /// replay command of the seeded case that is running (seeded.rs).
    static CASE: RefCell<Option<String>> = const { RefCell::new(None) };
}

const TODO: &str = "not yet implemented";

/// Runs `f`, returning its output, or the message of the panic it raised.
///
/// A panic from `todo!()` is not caught: it propagates as usual.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(was_quiet));
    match result {
        Ok(output) => Ok(output),
        Err(payload) => {
            let message = panic_message(&*payload);
            if message.starts_with(TODO) {
                panic::resume_unwind(payload);
            }
            Err(message)
        }
    }
}

/// Wraps `fut` so that a panic while it is polled is not printed by the
/// panic hook (a `todo!()` still is). The panic itself goes on as usual:
/// a spawned task that panics still ends with a `JoinError`.
pub fn quiet_panics<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let mut fut = Box::pin(fut);
    std::future::poll_fn(move |cx| {
        install_hook();
        let _restore = Restore(QUIET.with(|quiet| quiet.replace(true)));
        fut.as_mut().poll(cx)
    })
}

/// Puts the thread's quiet flag back, also when a panic unwinds through.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        QUIET.with(|quiet| quiet.set(self.0));
    }
}

/// The text of a panic payload (`panic!("..")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// While alive, a panic on this thread ends its message with `note`.
///
/// Graders report the first panic's message as the failure, so the seed of
/// a failing case must be part of that message, not a second panic after it.
pub(crate) struct CaseNote {
    previous: Option<String>,
}

impl CaseNote {
    pub(crate) fn set(note: String) -> CaseNote {
        install_hook();
        CaseNote {
            previous: CASE.with(|case| case.replace(Some(note))),
        }
    }
}

impl Drop for CaseNote {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CASE.with(|case| *case.borrow_mut() = previous);
    }
}

/// Wraps the current panic hook so that it stays silent on a thread inside
/// [`catch_panic`], except for `todo!()`, and adds a seeded case's note.
pub(crate) fn install_hook() {
    crate::stuck::ensure_started();
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload_as_str()
                .map(str::to_string)
                .unwrap_or_else(|| panic_message(info.payload()));
            let todo = message.starts_with(TODO);
            if !todo && QUIET.with(Cell::get) {
                return;
            }
            match CASE.with(|case| case.borrow().clone()) {
                // The default hook's format, with the note after the message.
                Some(note) => {
                    let thread = std::thread::current();
                    let location = info
                        .location()
                        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                        .unwrap_or_default();
                    eprintln!(
                        "thread '{}' panicked at {location}:\n{message}\n\n{note}\n\
                         note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
                        thread.name().unwrap_or("<unnamed>")
                    );
                }
                None => previous(info),
            }
            crate::timeline::print_for_grader();
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_output_when_nothing_panics() {
        assert_eq!(catch_panic(|| 7), Ok(7));
    }

    #[test]
    fn returns_the_message_of_a_panic() {
        assert_eq!(
            catch_panic(|| panic!("timers are {}", "disabled")),
            Err::<(), _>("timers are disabled".to_string())
        );
        assert_eq!(
            catch_panic(|| panic!("static text")),
            Err::<(), _>("static text".to_string())
        );
    }

    #[tokio::test]
    async fn a_quiet_panic_still_fails_its_task() {
        let task = tokio::spawn(quiet_panics(async { panic!("on purpose") }));
        let error = task.await.unwrap_err();
        assert_eq!(panic_message(&*error.into_panic()), "on purpose");
        // The flag is back to normal once the panic has unwound.
        assert!(!QUIET.with(Cell::get));
    }

    #[test]
    #[should_panic(expected = "not yet implemented: still to write")]
    fn does_not_catch_a_todo() {
        let _ = catch_panic(|| todo!("still to write"));
    }
}
