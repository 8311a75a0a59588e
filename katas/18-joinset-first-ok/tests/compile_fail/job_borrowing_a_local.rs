// A job handed to first_ok cannot borrow a local variable: first_ok runs
// each job as a task, which may outlive the caller's locals (until it is
// aborted and dropped), so its jobs are `BoxFuture<'static, ..>`. Move what
// the job needs into it instead (`async move`).
use futures::future::BoxFuture;
use kata_18_joinset_first_ok::first_ok;

#[tokio::main]
async fn main() {
    let mirror = String::from("mirror-1.example");
    let job: BoxFuture<'_, Result<usize, ()>> = Box::pin(async { Ok(mirror.len()) });
    let answer = first_ok(vec![job]).await;
    println!("{answer:?}");
}
