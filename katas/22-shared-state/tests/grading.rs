//! Grading tests for kata 22: share state between tasks.
//!
//! The handlers run in spawned tasks, as connections do in a server, on a
//! paused clock: writing a reply takes exactly 10ms of virtual time, so a
//! hundred handlers that really run side by side are all done at 10ms.
//!
//! This file only compiles if `handle`'s future is `Send` (it is given to
//! `tokio::spawn`); `tests/spawnable.rs` checks that on its own, with the
//! compiler's explanation if it is not.

use kata_22_shared_state::{handle, Command, Db, Reply};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, no_hang, Stopwatch};

fn get(key: &str) -> Command {
    Command::Get { key: key.into() }
}

fn set(key: &str, value: &str) -> Command {
    Command::Set {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn get_returns_what_set_stored() {
    let db = Db::new();
    assert_eq!(
        db.get("color"),
        None,
        "a new Db must be empty: get(\"color\") on a new Db returned {:?}.",
        db.get("color")
    );
    db.set("color", "red");
    assert_eq!(
        db.get("color").as_deref(),
        Some("red"),
        "after set(\"color\", \"red\"), get(\"color\") returned {:?}, expected Some(\"red\").",
        db.get("color")
    );
    db.set("color", "blue");
    assert_eq!(
        db.get("color").as_deref(),
        Some("blue"),
        "after set(\"color\", \"red\") and then set(\"color\", \"blue\"), get(\"color\") \
         returned {:?}, expected Some(\"blue\"): set replaces the previous value.",
        db.get("color")
    );
    assert_eq!(
        db.get("size"),
        None,
        "get(\"size\") returned {:?}, but only \"color\" was ever set.",
        db.get("size")
    );
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_same_data() {
    let db = Db::new();
    let writer = db.clone();
    no_hang(
        "a spawned task that calls set on a clone of the Db",
        async {
            tokio::spawn(async move { writer.set("from-task", "hello") })
                .await
                .expect("the spawned task calling set panicked")
        },
    )
    .await;
    assert_eq!(
        db.get("from-task").as_deref(),
        Some("hello"),
        "a spawned task called set(\"from-task\", \"hello\") on a clone of the Db, and then \
         get(\"from-task\") on the original returned {:?}, expected Some(\"hello\").\n\
         Every clone of a Db must be a handle to the *same* map: cloning must copy a \
         pointer to it (an Arc), not the map itself.",
        db.get("from-task")
    );

    db.set("from-test", "world");
    let reader = db.clone();
    let seen = no_hang(
        "a spawned task that calls get on a clone of the Db",
        async {
            tokio::spawn(async move { reader.get("from-test") })
                .await
                .expect("the spawned task calling get panicked")
        },
    )
    .await;
    assert_eq!(
        seen.as_deref(),
        Some("world"),
        "after set(\"from-test\", \"world\") on the original Db, a spawned task calling \
         get(\"from-test\") on a clone got {seen:?}, expected Some(\"world\")."
    );
    assert_no_leaked_tasks("both spawned tasks finished").await;
}

#[tokio::test(start_paused = true)]
async fn handle_applies_the_command_and_replies() {
    let db = Db::new();
    let steps = [
        (get("name"), Reply::Nil, "GET of a key that was never set"),
        (set("name", "ferris"), Reply::Ok, "SET"),
        (
            get("name"),
            Reply::Value("ferris".into()),
            "GET of the key just set",
        ),
    ];
    for (command, expected, what) in steps {
        let watch = Stopwatch::start();
        let reply = no_hang("handle", handle(&db, command.clone())).await;
        assert_eq!(
            reply, expected,
            "handle({command:?}), a {what}, returned {reply:?}, expected {expected:?}."
        );
        watch.assert_elapsed(
            ms(10),
            &format!("handle({command:?})"),
            "handle writes its reply with write_reply, which takes 10ms, exactly once. 0ms \
             means the reply was never written (was `write_reply(&reply)` awaited?); 20ms \
             means it was written twice.",
        );
    }
    assert_eq!(
        db.get("name").as_deref(),
        Some("ferris"),
        "after handle(SET name ferris), db.get(\"name\") returned {:?}, expected \
         Some(\"ferris\"): handle must store the value in the Db it is given.",
        db.get("name")
    );
}

#[tokio::test(start_paused = true)]
async fn a_hundred_concurrent_handlers_finish_at_10ms() {
    let db = Db::new();

    // A hundred clients each SET their own key, all at the same time.
    let watch = Stopwatch::start();
    let sets: Vec<_> = (0..100)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move {
                handle(&db, set(&format!("key-{n}"), &format!("value-{n}"))).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for task in sets {
        let reply = no_hang("100 spawned SET handlers", task)
            .await
            .expect("a spawned SET handler panicked");
        replies.push(reply);
    }
    let set_time = watch.elapsed();
    assert!(
        replies.iter().all(|reply| *reply == Reply::Ok),
        "100 concurrent SET handlers replied {replies:?}, expected Ok from each."
    );
    watch.assert_elapsed(
        ms(10),
        "100 SET handlers spawned at the same time",
        "Each handler takes 10ms to write its reply, and they all run at the same time, so \
         all are done at 10ms. 1s (100 × 10ms) means each handler waited for the one before: \
         is a lock (a tokio::sync::Mutex guard, say) held while the reply is written? Hold \
         the lock only inside get and set, never across an `.await`.",
    );

    // And a hundred clients each GET their key back, all at the same time.
    let watch = Stopwatch::start();
    let gets: Vec<_> = (0..100)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move { handle(&db, get(&format!("key-{n}"))).await })
        })
        .collect();
    for (n, task) in gets.into_iter().enumerate() {
        let reply = no_hang("100 spawned GET handlers", task)
            .await
            .expect("a spawned GET handler panicked");
        assert_eq!(
            reply,
            Reply::Value(format!("value-{n}")),
            "after 100 concurrent handlers each set key-N to value-N, GET key-{n} replied \
             {reply:?}. A Nil means the value set by another task's handler is not in this \
             clone of the Db: clones must share one map."
        );
    }
    watch.assert_elapsed(
        ms(10),
        "100 GET handlers spawned at the same time",
        &format!(
            "(The SETs took {}.) Readers must not wait for each other either: 1s means the \
             handlers ran one after the other.",
            fmt_duration(set_time)
        ),
    );
    assert_no_leaked_tasks("every handler finished").await;
}
