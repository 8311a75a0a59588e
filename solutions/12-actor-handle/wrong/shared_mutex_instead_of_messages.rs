//! Wrong: shares the count behind an Arc<Mutex<u64>> instead of giving it to an actor task: the sums are right, but there is no actor at all (no task owns the state, no messages), which is what this kata is about.
//! Caught by: the_count_lives_in_one_actor_task

use std::sync::Arc;

use tokio::sync::Mutex;

#[derive(Clone)]
pub struct CounterHandle {
    // The mistake: every handle reaches into the shared state itself.
    count: Arc<Mutex<u64>>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        CounterHandle {
            count: Arc::new(Mutex::new(0)),
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let mut count = self.count.lock().await;
        *count += by;
        *count
    }

    pub async fn get(&self) -> u64 {
        *self.count.lock().await
    }
}
