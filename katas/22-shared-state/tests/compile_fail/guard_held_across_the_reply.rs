// A handler that counts visits. To stop two visits from racing between the
// get and the set, it takes a std::sync::Mutex of its own, and keeps the
// guard while it writes the reply. As an async fn it compiles; inside
// tokio::spawn it does not: the guard is not Send, and it is alive at the
// `.await`. (The fix: do the get and the set inside one synchronous method
// of the Db, and write the reply after the guard is gone.)
use std::sync::Mutex;

use kata_22_shared_state::{write_reply, Db, Reply};

static ONE_VISIT_AT_A_TIME: Mutex<()> = Mutex::new(());

async fn visit(db: &Db) -> Reply {
    let _turn = ONE_VISIT_AT_A_TIME.lock().unwrap();
    let visits: u64 = db.get("visits").map_or(0, |v| v.parse().unwrap()) + 1;
    db.set("visits", &visits.to_string());
    let reply = Reply::Value(visits.to_string());
    write_reply(&reply).await;
    reply
}

fn main() {
    let db = Db::new();
    tokio::spawn(async move { visit(&db).await });
}
