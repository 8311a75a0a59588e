//! The Db is shared by tasks that `tokio::spawn` may run on any thread, and
//! a handler keeps using values it read from the Db across `.await`s. This
//! file is an ordinary test, but most of its checking is done by the
//! compiler: it only compiles if
//!
//! - `Db` is `Clone + Send + Sync + 'static` (a clone moves into each task),
//! - `get` returns an owned value (it is kept across an `.await` below),
//! - the future of `handle` is `Send`.
//!
//! If it fails to *compile* with "future cannot be sent between threads
//! safely", the compiler's notes say which value is held across which
//! `.await`: usually a `std::sync::MutexGuard` alive while the reply is
//! written. If it says "`Rc<..>` cannot be sent between threads safely", the
//! Db is built on a type that only works on one thread: use `Arc` and a
//! `Mutex`.

use kata_22_shared_state::{Command, Db, Reply, handle};
use kata_support::{assert_no_leaked_tasks, ms, no_hang};

#[tokio::test(start_paused = true)]
async fn get_and_set_work_in_a_spawned_task_across_an_await() {
    let db = Db::new();
    let task = tokio::spawn({
        let db = db.clone();
        async move {
            db.set("greeting", "hello");
            // An owned value read from the Db, kept across an `.await`.
            let before = db.get("greeting");
            tokio::time::sleep(ms(5)).await;
            db.set("greeting", "goodbye");
            let reply = handle(
                &db,
                Command::Get {
                    key: "greeting".into(),
                },
            )
            .await;
            (before, reply)
        }
    });
    let (before, reply) = no_hang("a spawned task using the Db", task)
        .await
        .expect("the spawned task using the Db panicked");
    assert_eq!(
        (before.as_deref(), &reply),
        (Some("hello"), &Reply::Value("goodbye".into())),
        "a spawned task set \"greeting\" to \"hello\", read it, set it to \"goodbye\" and \
         then handled GET greeting: it read {before:?} and the handler replied {reply:?}."
    );
    assert_eq!(
        db.get("greeting").as_deref(),
        Some("goodbye"),
        "the spawned task's writes must be visible through the test's own clone of the Db."
    );
    assert_no_leaked_tasks("the spawned task finished").await;
}
