// An `Rc` kept alive across an `.await` makes the whole future `!Send`:
// the task could be resumed on another thread while the `Rc` (whose count
// is not atomic) is still in use. tokio::spawn, and so spawn_named, which
// passes its future on to tokio::spawn, refuses it. Use an `Arc` instead,
// or make sure the `Rc` is gone before the `.await`.
use std::rc::Rc;

fn main() {
    tokio::spawn(async {
        let config = Rc::new(String::from("verbose"));
        tokio::task::yield_now().await;
        println!("{config}");
    });
}
