// Sharing the count itself with a spawned task, the single-threaded way:
// Rc<RefCell<u64>>. tokio::spawn may run the task on another thread, and an
// Rc is not Send, so this does not compile.
use std::cell::RefCell;
use std::rc::Rc;

#[tokio::main]
async fn main() {
    let count = Rc::new(RefCell::new(0u64));
    let in_task = count.clone();
    let task = tokio::spawn(async move {
        *in_task.borrow_mut() += 1;
    });
    task.await.unwrap();
    println!("{}", count.borrow());
}
