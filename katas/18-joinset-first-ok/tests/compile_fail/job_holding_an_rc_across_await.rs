// A job handed to first_ok cannot keep an Rc alive across an `.await`: a
// task may move to another thread at any `.await`, so first_ok's jobs are
// `BoxFuture`s, which are `Send`. Use an Arc instead.
use std::rc::Rc;
use std::time::Duration;

use kata_18_joinset_first_ok::first_ok;

#[tokio::main]
async fn main() {
    let answer = first_ok::<u32, ()>(vec![Box::pin(async {
        let attempts = Rc::new(1u32);
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok(*attempts)
    })])
    .await;
    println!("{answer:?}");
}
