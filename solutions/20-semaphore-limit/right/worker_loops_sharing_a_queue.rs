//! Right: `limit` worker loops, joined (not spawned), each taking the next job off the front of a shared queue and storing its output by index; state shared through Rc<RefCell<..>>, never borrowed across an .await.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::future::{join_all, BoxFuture};

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let n = jobs.len();
    let queue: Rc<RefCell<VecDeque<(usize, BoxFuture<'static, T>)>>> =
        Rc::new(RefCell::new(jobs.into_iter().enumerate().collect()));
    let done: Rc<RefCell<Vec<Option<T>>>> = Rc::new(RefCell::new((0..n).map(|_| None).collect()));

    let workers = (0..limit.min(n)).map(|_| {
        let queue = Rc::clone(&queue);
        let done = Rc::clone(&done);
        async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some((index, job)) = next else {
                    return;
                };
                let output = job.await;
                done.borrow_mut()[index] = Some(output);
            }
        }
    });
    join_all(workers).await;

    let mut done = done.borrow_mut();
    done.iter_mut()
        .map(|slot| slot.take().expect("every job was run"))
        .collect()
}
