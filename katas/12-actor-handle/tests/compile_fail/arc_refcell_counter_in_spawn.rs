// The next attempt: Arc instead of Rc. The Arc may cross threads only if
// what it points to can be shared between threads (Sync), and a RefCell's
// borrow counter is not thread-safe, so this does not compile either.
use std::cell::RefCell;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let count = Arc::new(RefCell::new(0u64));
    let in_task = count.clone();
    let task = tokio::spawn(async move {
        *in_task.borrow_mut() += 1;
    });
    task.await.unwrap();
    println!("{}", count.borrow());
}
