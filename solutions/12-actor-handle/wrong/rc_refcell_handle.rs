//! Wrong: the handle shares the count as an Rc<RefCell<u64>>, which is neither Send nor Sync, so the handle cannot be sent to another task (tokio::spawn refuses it).
//! Caught by: counter_handle_is_clone_send_and_sync
//!
//! `shareable` finds the handle neither Send nor Sync. (`grading` does not
//! even compile: it moves handles into spawned tasks.)

use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone)]
pub struct CounterHandle {
    // The mistake: single-threaded shared state.
    count: Rc<RefCell<u64>>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        CounterHandle {
            count: Rc::new(RefCell::new(0)),
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let mut count = self.count.borrow_mut();
        *count += by;
        *count
    }

    pub async fn get(&self) -> u64 {
        *self.count.borrow()
    }
}
