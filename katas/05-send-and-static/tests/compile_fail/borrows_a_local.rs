// A future given to spawn_named must own everything it uses: the task may
// outlive `main`'s locals. This async block borrows `names` instead of
// taking it, so it is not 'static, and spawn_named must refuse it. (The fix
// the compiler suggests, `async move`, moves `names` into the task.)
use kata_05_send_and_static::spawn_named;

#[tokio::main]
async fn main() {
    let names = vec![String::from("ada"), String::from("grace")];
    let handle = spawn_named("counter", async { names.len() });
    println!("{}", handle.await.unwrap());
}
