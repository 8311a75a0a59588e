//! Where a hung test was waiting.
//!
//! When the hang guard ([`within`](crate::within)) gives up, "it never
//! finished" is only half of what a learner needs: the other half is *which
//! `.await` it was stuck on*. Tokio can say: in tracing mode it re-polls a
//! future, and every tokio leaf future it reaches (a lock, a channel, a
//! sleep) records a backtrace instead of doing its work. The frames of those
//! backtraces that belong to the learner's crate are the lines of their code
//! that were waiting, innermost first: for a lock held across an `.await`,
//! the line that waits for the lock *and* the line, further out, that still
//! holds it while awaiting something else.
//!
//! Two things are traced: the future the guard was given (the code under
//! test, run from the test's own task) and every task alive on the runtime
//! (`Handle::dump()`). Both need tokio's `taskdump` support, which exists
//! on Linux (x86, x86_64, aarch64) with `--cfg tokio_unstable` (set by the
//! course's `.cargo/config.toml`); elsewhere the report says it is not
//! available. Lines need line tables, which the course's profile keeps for
//! the katas' own crates (the workspace's Cargo.toml says what they cost).

use std::future::Future;
use std::pin::Pin;

/// The future type the guard keeps its subject in: wrapped as the root of
/// traces where tracing exists, as it is elsewhere.
#[cfg(all(
    tokio_unstable,
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "x86")
))]
mod imp {
    use std::collections::BTreeMap;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    use tokio::runtime::dump::{Backtrace, Root, Trace};

    pub type Rooted<F> = Root<F>;

    pub fn root<F: Future>(fut: F) -> Rooted<F> {
        Trace::root(fut)
    }

    /// One waiting place: the learner's frames of one backtrace, innermost
    /// first, and the tokio call it was waiting in.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct Wait {
        frames: Vec<String>,
        inside: Option<String>,
    }

    pub async fn report<F: Future>(subject: Pin<&mut Rooted<F>>) -> Option<String> {
        let mut subject = subject;
        // Re-poll the code under test once in tracing mode: its tokio leaf
        // futures record where they are instead of doing their work.
        let trace = Trace::root(std::future::poll_fn(|cx| {
            let (_, trace) = Trace::capture(|| subject.as_mut().poll(cx));
            Poll::Ready(trace)
        }))
        .await;
        let mut lines = Vec::new();
        let code = waits(&trace.resolve_backtraces());
        if !code.is_empty() {
            lines.push(format!("  the code under test:{}", describe(&code)));
        }
        // Every task alive on the runtime. (A dump re-polls them too; on a
        // multi-thread runtime it waits for every worker, so it is bounded
        // well inside the test's wall-clock limit, in case one is blocked.)
        let dump = tokio::time::timeout(
            std::time::Duration::from_millis(250),
            tokio::runtime::Handle::current().dump(),
        )
        .await;
        let mut others = 0;
        if let Ok(dump) = dump {
            for task in dump.tasks().iter() {
                let waits = waits(&task.trace().resolve_backtraces());
                if waits.is_empty() {
                    others += 1;
                    continue;
                }
                lines.push(format!("  task {}:{}", task.id(), describe(&waits)));
            }
        }
        if lines.is_empty() {
            return None;
        }
        if others > 0 {
            lines.push(format!(
                "  (and {others} task(s) of the test's own, waiting outside your code)"
            ));
        }
        Some(lines.join("\n"))
    }

    /// The distinct waiting places among `backtraces`, with how many
    /// futures wait at each.
    fn waits(backtraces: &[Backtrace]) -> BTreeMap<Wait, usize> {
        let mut found = BTreeMap::new();
        for backtrace in backtraces {
            let mut frames = Vec::new();
            let mut inside = None;
            for frame in backtrace.frames() {
                for symbol in frame.symbols() {
                    match (learner_place(symbol), frames.is_empty()) {
                        (Some(place), _) => frames.push(place),
                        // The outermost tokio call before the learner's code.
                        (None, true) => {
                            if let Some(call) = symbol.filename().and_then(tokio_call) {
                                inside = Some(call);
                            }
                        }
                        _ => {}
                    }
                }
            }
            if !frames.is_empty() {
                frames.dedup();
                *found.entry(Wait { frames, inside }).or_insert(0) += 1;
            }
        }
        found
    }

    /// `src/lib.rs:41 in `Cache::get_or_load`` for a frame of the kata's.
    fn learner_place(symbol: &tokio::runtime::dump::BacktraceSymbol) -> Option<String> {
        let name = symbol.name_demangled().unwrap_or("");
        crate::stuck::learner_frame(name, symbol.filename(), symbol.lineno())
    }

    /// The tokio API a frame in tokio's sources belongs to, by its file
    /// (inlined frames keep their file, not always their full name).
    fn tokio_call(file: &std::path::Path) -> Option<String> {
        let file = file.to_string_lossy();
        let at = file.find("/tokio-")?;
        let source = &file[at..];
        let source = &source[source.find("/src/")? + 5..];
        let known = [
            ("sync/mutex.rs", "tokio::sync::Mutex::lock"),
            ("sync/rwlock", "a tokio::sync::RwLock"),
            ("sync/mpsc", "a tokio::sync::mpsc channel"),
            ("sync/oneshot.rs", "a tokio::sync::oneshot channel"),
            ("sync/broadcast.rs", "a tokio::sync::broadcast channel"),
            ("sync/watch.rs", "a tokio::sync::watch channel"),
            ("sync/notify.rs", "tokio::sync::Notify"),
            ("sync/semaphore.rs", "a tokio::sync::Semaphore"),
            ("sync/barrier.rs", "a tokio::sync::Barrier"),
            ("time/", "a tokio timer"),
            ("runtime/task/join.rs", "a JoinHandle"),
            ("task/join_set.rs", "a JoinSet"),
            ("net/", "tokio's networking"),
            ("io/", "tokio's I/O"),
        ];
        known
            .iter()
            .find(|(path, _)| source.starts_with(path))
            .map(|(_, call)| call.to_string())
    }

    fn describe(waits: &BTreeMap<Wait, usize>) -> String {
        let mut out = String::new();
        for (wait, count) in waits {
            let who = if *count > 1 {
                format!("{count} futures waiting at ")
            } else {
                "waiting at ".to_string()
            };
            out.push_str(&format!("\n    {who}{}", wait.frames[0]));
            if let Some(inside) = &wait.inside {
                out.push_str(&format!(", on {inside}"));
            }
            for outer in &wait.frames[1..] {
                out.push_str(&format!("\n      inside the `.await` at {outer}"));
            }
            if wait.frames.len() > 1 {
                out.push_str(
                    "\n      (whatever the code holds across an `.await`, a lock guard say, \
                     stays held while it waits)",
                );
            }
        }
        out
    }
}

#[cfg(not(all(
    tokio_unstable,
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "x86")
)))]
mod imp {
    use std::future::Future;
    use std::pin::Pin;

    pub type Rooted<F> = F;

    pub fn root<F: Future>(fut: F) -> Rooted<F> {
        fut
    }

    pub async fn report<F: Future>(_subject: Pin<&mut Rooted<F>>) -> Option<String> {
        None
    }
}

pub(crate) use imp::Rooted;

/// `fut`, ready to be traced if it hangs.
pub(crate) fn root<F: Future>(fut: F) -> Rooted<F> {
    imp::root(fut)
}

/// What the hang guard adds to its message: where the code under test and
/// every task were waiting, or why that cannot be shown here.
pub(crate) async fn report<F: Future>(subject: Pin<&mut Rooted<F>>) -> String {
    match imp::report(subject).await {
        Some(places) => format!("Where it was waiting when the test gave up:\n{places}"),
        None if cfg!(all(
            tokio_unstable,
            target_os = "linux",
            any(
                target_arch = "x86_64",
                target_arch = "aarch64",
                target_arch = "x86"
            )
        )) =>
        {
            "(No await in your code was found waiting: the wait is in the test's own code.)"
                .to_string()
        }
        None => "(Where each task was waiting can only be shown on Linux, built with \
                 `--cfg tokio_unstable` as the course's .cargo/config.toml sets it: not \
                 available here.)"
            .to_string(),
    }
}
