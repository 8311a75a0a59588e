//! `CounterHandle` must be a value you can hand to any task: clonable, and
//! `Send + Sync` so that it can move into `tokio::spawn` (which may run the
//! task on another thread) and be shared. The futures of its methods must be
//! `Send` too, so that a spawned task can await them.
//!
//! These checks compile whatever your handle looks like, and fail at run
//! time, naming what is missing. (A method call picks the first impl that
//! applies: `Probe<T>` has one only when `T: Send`, `&Probe<T>` always has
//! one, so `(&probe).is_send()` says which applied.) The usual culprits: an
//! `Rc` or a `RefCell` in the handle (not thread-safe), a missing
//! `#[derive(Clone)]`, and, for the futures, something that is not `Send`
//! kept across an `.await` (a `std::sync::MutexGuard`, an `Rc`). A handle
//! that only holds an `mpsc::Sender`, with methods that only send and await,
//! has all of it.

// The `&` in `(&probe).is_send()` is what picks the impl (clippy cannot
// know), and the `No*` traits are only used when your handle lacks a trait.
#![allow(clippy::needless_borrow, dead_code)]

use std::marker::PhantomData;

use kata_12_actor_handle::CounterHandle;

struct Probe<T>(PhantomData<T>);

fn probe<T>(_: &T) -> Probe<T> {
    Probe(PhantomData)
}

trait YesSend {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> YesSend for Probe<T> {}
trait NoSend {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> NoSend for &Probe<T> {}

trait YesSync {
    fn is_sync(&self) -> bool {
        true
    }
}
impl<T: Sync> YesSync for Probe<T> {}
trait NoSync {
    fn is_sync(&self) -> bool {
        false
    }
}
impl<T> NoSync for &Probe<T> {}

trait YesClone {
    fn is_clone(&self) -> bool {
        true
    }
}
impl<T: Clone> YesClone for Probe<T> {}
trait NoClone {
    fn is_clone(&self) -> bool {
        false
    }
}
impl<T> NoClone for &Probe<T> {}

#[test]
fn counter_handle_is_clone_send_and_sync() {
    let handle = Probe::<CounterHandle>(PhantomData);
    let missing: Vec<&str> = [
        ("Clone", (&handle).is_clone()),
        ("Send", (&handle).is_send()),
        ("Sync", (&handle).is_sync()),
    ]
    .into_iter()
    .filter(|(_, has)| !has)
    .map(|(name, _)| name)
    .collect();
    assert!(
        missing.is_empty(),
        "CounterHandle is not {}. A handle is handed to many tasks, which may run on other \
         threads: it must be Clone (every task gets its own), Send (it can move to another \
         thread) and Sync (it can be shared). An Rc or a RefCell inside it is neither Send \
         nor Sync; an mpsc::Sender is all three, and #[derive(Clone)] clones it.",
        missing.join(" + ")
    );
}

#[tokio::test(start_paused = true)]
async fn incr_and_get_can_be_awaited_in_a_spawned_task() {
    let counter = CounterHandle::new();
    let incr = counter.incr(1);
    let get = counter.get();
    let (incr_is_send, get_is_send) = ((&probe(&incr)).is_send(), (&probe(&get)).is_send());
    // Never awaited: only their types matter.
    drop((incr, get));
    assert!(
        incr_is_send && get_is_send,
        "the future of {} is not Send, so a task started with tokio::spawn cannot await it \
         (tokio::spawn may move the task to another thread). Something that is not Send is \
         kept across an .await in it: a std::sync::MutexGuard, an Rc, a RefCell's borrow. \
         Keep only the oneshot Receiver across the .await.",
        match (incr_is_send, get_is_send) {
            (false, false) => "incr and of get",
            (false, true) => "incr",
            _ => "get",
        }
    );
}
