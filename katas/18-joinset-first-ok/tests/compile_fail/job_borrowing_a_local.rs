// A job that borrows a local variable cannot be spawned: the task may
// outlive this function (and the variable), so JoinSet::spawn requires a
// 'static future. Move what the job needs into it instead (`async move`).
use tokio::task::JoinSet;

fn main() {
    let mirror = String::from("mirror-1.example");
    let mut set = JoinSet::new();
    set.spawn(async { mirror.len() });
}
