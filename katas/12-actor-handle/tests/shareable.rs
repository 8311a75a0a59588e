//! `CounterHandle` must be a value you can hand to any task: clonable, and
//! `Send + Sync + 'static` so that it can move into `tokio::spawn` (which
//! may run the task on another thread) and be shared.
//!
//! Most of the checking here is done by the compiler. If this file fails to
//! *compile*, the error names the trait your handle lacks and the field that
//! is to blame: usually an `Rc` or a `RefCell` (not thread-safe), a
//! borrowed reference (not `'static`), or a missing `#[derive(Clone)]`. A
//! handle that only holds an `mpsc::Sender` has all four.

use kata_12_actor_handle::CounterHandle;

fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

#[test]
fn counter_handle_is_clone_send_sync_and_static() {
    assert_shareable::<CounterHandle>();
}
