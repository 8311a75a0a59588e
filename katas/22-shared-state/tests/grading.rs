//! Grading tests for kata 22: share state between tasks.
//!
//! The handlers run in spawned tasks, as connections do in a server, on a
//! paused clock: writing a reply takes exactly 10ms of virtual time, so
//! handlers that really run side by side each take 10ms, however many run
//! at once. One test leaves the paused clock for a real multi-thread
//! runtime, where tasks on different threads use the `Db` at the same time.
//!
//! This file only compiles if `handle`'s future is `Send` (it is given to
//! `tokio::spawn`); `tests/spawnable.rs` checks that on its own, with the
//! compiler's explanation if it is not.
//!
//! Inputs are seeded (keys shuffled and repeated, values of different
//! lengths, handlers arriving at odd instants); a failure names its seed
//! and the command that replays it.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | `Clone` copies the map (a `Mutex` without an `Arc`), so each clone is a private copy | `clones_share_the_same_data` |
//! | one global map (`static`) instead of one per `Db::new()` | `two_dbs_do_not_share_data` |
//! | `set` keeps the first value (`entry().or_insert`) instead of replacing it | `get_returns_what_set_stored` |
//! | `get` takes the value out (`remove`) to avoid a clone | `get_returns_what_set_stored` |
//! | keys normalised (lower-cased like redis command names, or trimmed): `User:7` and `user:7` read each other's value | `get_returns_what_set_stored` |
//! | `Rc<RefCell<..>>`: the `Db` is not `Send` | `spawnable` (does not compile) |
//! | a `std::sync::MutexGuard` held across `write_reply(..).await` | `spawnable` (does not compile) |
//! | a `tokio::sync::Mutex` guard held across the reply: handlers take turns | `concurrent_handlers_each_take_10ms` |
//! | `tokio::sync::Mutex` + `blocking_lock()` in `get`/`set`: panics inside the runtime | `clones_share_the_same_data`, `many_threads_use_one_db_at_once` |
//! | `tokio::sync::Mutex` + `try_lock()` in `get`/`set`, skipping the work when another thread holds it | `many_threads_use_one_db_at_once` |
//! | the reply written before the command is applied (a SET invisible during its reply, a GET answering with a later value, a cancelled SET lost) | `the_command_takes_effect_before_the_reply_is_written` |
//! | the command applied later than `handle`'s own first step (a SET handed to a spawned task, a `yield_now` before applying): the next client, handled right after, sees the old value | `the_next_client_sees_the_command_at_once` |
//! | `write_reply` not awaited, spawned and left detached, or written twice | `handle_applies_the_command_and_replies` |
//! | one reply (`Nil`) returned early without being written | `handle_applies_the_command_and_replies` |
//! | an empty value answered as `Nil` (taken for "deleted") | `handle_applies_the_command_and_replies` |
//! | per-thread copies or shards (`thread_local!`): a thread reads its own stale value | `a_value_set_on_one_thread_is_read_on_every_other` |

use std::collections::HashMap;
use std::sync::Arc;

use kata_22_shared_state::{Command, Db, Reply, handle};
use kata_support::{
    Jitter, Rng, Stopwatch, Timeline, assert_no_leaked_tasks, cancel_after, fmt_duration,
    for_each_seed, for_each_seed_sync, ms, no_hang, on_multi_thread,
};
use tokio::time::{Instant, sleep};

fn get(key: &str) -> Command {
    Command::Get { key: key.into() }
}

fn set(key: &str, value: &str) -> Command {
    Command::Set {
        key: key.into(),
        value: value.into(),
    }
}

/// About `count` different keys, in a shuffled order, with names that do not
/// sort the way they were made. Some come with near twins that are other
/// keys all the same: the same letters in another case (`User:7` and
/// `user:7`), or with a space at the end. Keys are exact strings.
fn keys(rng: &mut Rng, count: usize) -> Vec<String> {
    let words = ["user", "cart", "session", "color", "size", "ttl", "name"];
    let mut keys: Vec<String> = (0..count)
        .map(|n| format!("{}:{}", rng.pick(&words), n * 7 + rng.range(0, 6) as usize))
        .collect();
    let originals = keys.clone();
    for key in &originals {
        if rng.chance(1, 3) {
            let twin = if rng.chance(1, 2) {
                let mut chars = key.chars();
                let first = chars.next().unwrap_or('k').to_ascii_uppercase();
                format!("{first}{}", chars.as_str())
            } else if rng.chance(1, 2) {
                key.to_ascii_uppercase()
            } else {
                format!("{key} ")
            };
            keys.push(twin);
        }
    }
    keys.sort();
    keys.dedup();
    rng.shuffle(&mut keys);
    keys
}

/// A value of a length between 0 and `longest`, different every time.
fn value(rng: &mut Rng, longest: u64) -> String {
    let len = rng.range(0, longest) as usize;
    let mut text = format!("v{}-", rng.range(0, 99_999));
    while text.len() < len {
        text.push(char::from(b'a' + rng.range(0, 25) as u8));
    }
    text
}

#[test]
fn get_returns_what_set_stored() {
    for_each_seed_sync(32, |mut rng| {
        let db = Db::new();
        let keys = keys(&mut rng, 6);
        let mut model: HashMap<String, String> = HashMap::new();
        let mut history = Vec::new();
        for step in 0..rng.range(4, 16) {
            let key = rng.pick(&keys).clone();
            if step > 0 && rng.chance(2, 5) {
                let first = db.get(&key);
                let second = db.get(&key);
                let expected = model.get(&key).cloned();
                assert_eq!(
                    first,
                    expected,
                    "after {}, db.get({key:?}) returned {first:?}, expected {expected:?}. \
                     get returns a copy of the value stored by the last set of that key, or None \
                     if it was never set. Keys are exact strings: `User:7`, `user:7` and \
                     `user:7 ` are three different keys (lower-case or trim nothing).",
                    history.join(", ")
                );
                assert_eq!(
                    second,
                    expected,
                    "after {}, db.get({key:?}) returned {first:?} and, asked again at once, \
                     {second:?}. Reading must not change the Db: does get take the value out \
                     of the map (remove) instead of cloning it?",
                    history.join(", ")
                );
                history.push(format!("get({key:?})"));
            } else {
                let value = value(&mut rng, 12);
                db.set(&key, &value);
                history.push(format!("set({key:?}, {value:?})"));
                model.insert(key, value);
            }
        }
        for key in &keys {
            let found = db.get(key);
            let expected = model.get(key).cloned();
            assert_eq!(
                found,
                expected,
                "after {}, db.get({key:?}) returned {found:?}, expected {expected:?}. A second \
                 set of a key replaces its value (HashMap::insert does; entry().or_insert keeps \
                 the first one). Keys are exact strings: `User:7`, `user:7` and `user:7 ` are \
                 three different keys.",
                history.join(", ")
            );
        }
    });
}

#[test]
fn two_dbs_do_not_share_data() {
    for_each_seed_sync(8, |mut rng| {
        let key = keys(&mut rng, 1).remove(0);
        let (first, second) = (value(&mut rng, 8), value(&mut rng, 8));
        let a = Db::new();
        a.set(&key, &first);
        let b = Db::new();
        let seen = b.get(&key);
        assert_eq!(
            seen, None,
            "db_a.set({key:?}, {first:?}) on one Db, then a second Db::new(): its \
             get({key:?}) returned {seen:?}, expected None. Db::new() makes a new, empty \
             store; only clones of one Db share data. Is the map a global (a `static`) \
             instead of a field of the Db?"
        );
        b.set(&key, &second);
        let kept = a.get(&key);
        assert_eq!(
            kept,
            Some(first.clone()),
            "two Dbs made with Db::new(): after db_a.set({key:?}, {first:?}) and \
             db_b.set({key:?}, {second:?}), db_a.get({key:?}) returned {kept:?}. Each \
             Db::new() is a store of its own."
        );
    });
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_same_data() {
    for_each_seed(8, |mut rng| async move {
        let db = Db::new();
        let keys = keys(&mut rng, 4);
        let jitter = Jitter::new(rng.next_u64());

        // Tasks write through clones (one a clone of a clone) ...
        let writers: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(n, key)| {
                let handle = if n % 2 == 0 {
                    db.clone()
                } else {
                    db.clone().clone()
                };
                let (key, value, jitter) = (key.clone(), format!("from-task-{n}"), jitter.clone());
                tokio::spawn(async move {
                    jitter.pause().await;
                    handle.set(&key, &value);
                })
            })
            .collect();
        for task in writers {
            no_hang("spawned tasks calling set on clones of the Db", task)
                .await
                .expect("a spawned task calling set on a clone of the Db panicked");
        }
        // ... and the original sees every write.
        for (n, key) in keys.iter().enumerate() {
            let found = db.get(key);
            assert_eq!(
                found.as_deref(),
                Some(format!("from-task-{n}").as_str()),
                "a spawned task called set({key:?}, \"from-task-{n}\") on a clone of the Db, \
                 and then get({key:?}) on the original returned {found:?}.\nEvery clone of a \
                 Db must be a handle to the *same* map: cloning must copy a pointer to it (an \
                 Arc), not the map itself."
            );
        }

        // The other way round: the test writes, a spawned task reads a clone.
        let key = rng.pick(&keys).clone();
        db.set(&key, "from-test");
        let reader = db.clone();
        let read_key = key.clone();
        let seen = no_hang("a spawned task calling get on a clone of the Db", async {
            tokio::spawn(async move { reader.get(&read_key) })
                .await
                .expect("the spawned task calling get panicked")
        })
        .await;
        assert_eq!(
            seen.as_deref(),
            Some("from-test"),
            "after set({key:?}, \"from-test\") on the original Db, a spawned task calling \
             get({key:?}) on a clone got {seen:?}."
        );
        assert_no_leaked_tasks("every spawned task finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn handle_applies_the_command_and_replies() {
    for_each_seed(16, |mut rng| async move {
        let db = Db::new();
        let keys = keys(&mut rng, 4);
        let mut model: HashMap<String, String> = HashMap::new();
        for _ in 0..rng.range(3, 9) {
            let key = rng.pick(&keys).clone();
            let command = if rng.chance(1, 2) {
                get(&key)
            } else if rng.chance(1, 3) {
                // The empty string is a value like any other.
                set(&key, "")
            } else {
                set(&key, &value(&mut rng, 10))
            };
            let expected = match &command {
                Command::Get { key } => model
                    .get(key)
                    .map_or(Reply::Nil, |value| Reply::Value(value.clone())),
                Command::Set { key, value } => {
                    model.insert(key.clone(), value.clone());
                    Reply::Ok
                }
            };
            let watch = Stopwatch::start();
            let reply = no_hang("handle", handle(&db, command.clone())).await;
            assert_eq!(
                reply, expected,
                "handle({command:?}) returned {reply:?}, expected {expected:?}. (GET of a key \
                 that holds a value replies Value(value), whatever the value, the empty string \
                 too; of a key that holds nothing Nil; SET stores and replies Ok.)"
            );
            watch.assert_elapsed(
                ms(10),
                &format!("handle({command:?})"),
                "handle writes its reply with write_reply, which takes 10ms, exactly once, and \
                 returns when it is written. 0ms means the reply was not waited for: was \
                 `write_reply(&reply)` awaited (not spawned, not forgotten)? 20ms means it was \
                 written twice.",
            );
            assert_no_leaked_tasks(&format!("handle({command:?}) returned")).await;
        }
        for key in &keys {
            let found = db.get(key);
            assert_eq!(
                found,
                model.get(key).cloned(),
                "after the handled commands, db.get({key:?}) returned {found:?}: handle must \
                 store a SET's value in the Db it is given."
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_command_takes_effect_before_the_reply_is_written() {
    for_each_seed(16, |mut rng| async move {
        let db = Db::new();
        let key = keys(&mut rng, 1).remove(0);
        let (old, new) = (value(&mut rng, 8), value(&mut rng, 8));

        // A SET is visible to everyone while its reply is being written.
        let during = rng.range(1, 9);
        let setter = tokio::spawn({
            let (db, command) = (db.clone(), set(&key, &new));
            async move { handle(&db, command).await }
        });
        sleep(ms(during)).await;
        let seen = db.get(&key);
        assert_eq!(
            seen.as_deref(),
            Some(new.as_str()),
            "{during}ms into handle(SET {key} {new:?}), while its reply was being written, \
             db.get({key:?}) returned {seen:?}. handle applies the command first and writes \
             the reply after: a client that got no reply yet may already rely on it, and other \
             clients see it at once."
        );
        no_hang("the SET handler", setter)
            .await
            .expect("the SET handler panicked");

        // A GET answers with the value the key held when it was handled.
        db.set(&key, &old);
        let later = rng.range(1, 9);
        let getter = tokio::spawn({
            let (db, command) = (db.clone(), get(&key));
            async move { handle(&db, command).await }
        });
        sleep(ms(later)).await;
        db.set(&key, &new);
        let reply = no_hang("the GET handler", getter)
            .await
            .expect("the GET handler panicked");
        assert_eq!(
            reply,
            Reply::Value(old.clone()),
            "handle(GET {key}) started while {key:?} held {old:?}; {later}ms later, during its \
             reply, the key was set to {new:?}. It replied {reply:?}, expected Value({old:?}): \
             the GET must read the Db when it is handled, then write that reply. Reading after \
             write_reply answers with a value the client did not ask about."
        );

        // A client that hangs up during the reply (the handler's future is
        // dropped) has still had its SET applied.
        let other = format!("{key}:cancelled");
        let gives_up = rng.range(1, 9);
        let finished = cancel_after(ms(gives_up), handle(&db, set(&other, &new))).await;
        assert!(
            finished.is_none(),
            "handle(SET ..) finished within {gives_up}ms, but writing a reply takes 10ms."
        );
        let found = db.get(&other);
        assert_eq!(
            found.as_deref(),
            Some(new.as_str()),
            "handle(SET {other} {new:?}) was dropped {gives_up}ms in, while writing its reply \
             (the client hung up). db.get({other:?}) then returned {found:?}: the SET was \
             lost. Apply the command before writing the reply."
        );
        assert_no_leaked_tasks("the handlers finished").await;
    })
    .await;
}

/// Two clients handled one right after the other, at the same instant: the
/// first one's `handle` has started writing its reply (its future returned
/// `Pending` once), and the second one reads the `Db` at once. A command
/// applied anywhere but in `handle` itself, before the reply (a SET handed
/// to a spawned task, or done after a `yield_now`), is not there yet.
#[tokio::test(start_paused = true)]
async fn the_next_client_sees_the_command_at_once() {
    use std::future::Future;
    use std::task::Poll;

    for_each_seed(16, |mut rng| async move {
        let db = Db::new();
        let key = keys(&mut rng, 1).remove(0);
        let (old, new, newer) = (value(&mut rng, 8), value(&mut rng, 8), value(&mut rng, 8));
        db.set(&key, &old);

        // A SET, then straight away (no other task has run) another client's get.
        let mut setter = std::pin::pin!(handle(&db, set(&key, &new)));
        let first = std::future::poll_fn(|cx| Poll::Ready(setter.as_mut().poll(cx))).await;
        assert!(
            first.is_pending(),
            "handle(SET {key} {new:?}) finished the first time it was polled, but writing its \
             reply takes 10ms: was write_reply(&reply) awaited?"
        );
        let seen = db.get(&key);
        assert_eq!(
            seen.as_deref(),
            Some(new.as_str()),
            "handle(SET {key} {new:?}) was called and went on to write its reply; right after \
             that, at the same instant, the next client's db.get({key:?}) returned {seen:?} \
             (the value from before the SET). handle must apply the command itself, before it \
             awaits write_reply: calling db.set in a spawned task (or after a yield) leaves a \
             moment in which the SET was handled but is not in the Db."
        );
        let reply = no_hang("the SET handler", setter).await;
        assert_eq!(
            reply,
            Reply::Ok,
            "handle(SET {key} {new:?}) replied {reply:?}"
        );

        // A GET, then straight away another client's set: the GET's answer
        // is the value from when it was handled.
        let mut getter = std::pin::pin!(handle(&db, get(&key)));
        let first = std::future::poll_fn(|cx| Poll::Ready(getter.as_mut().poll(cx))).await;
        assert!(
            first.is_pending(),
            "handle(GET {key}) finished the first time it was polled, but writing its reply \
             takes 10ms: was write_reply(&reply) awaited?"
        );
        db.set(&key, &newer);
        let reply = no_hang("the GET handler", getter).await;
        assert_eq!(
            reply,
            Reply::Value(new.clone()),
            "handle(GET {key}) was called while {key:?} held {new:?} and went on to write its \
             reply; right after that, at the same instant, another client set it to \
             {newer:?}. The GET replied {reply:?}, expected Value({new:?}): handle must read \
             the Db itself, before it awaits anything."
        );
        assert_no_leaked_tasks("the handlers finished").await;
    })
    .await;
}

/// How many of the concurrent handlers a failing test draws on its
/// timeline: enough to see them take turns, few enough to read.
const DRAWN: usize = 8;

#[tokio::test(start_paused = true)]
async fn concurrent_handlers_each_take_10ms() {
    for_each_seed(8, |mut rng| async move {
        let db = Db::new();
        let jitter = Jitter::new(rng.next_u64());
        let count = rng.range(40, 120) as usize;
        let keys = keys(&mut rng, count);
        // Clients arrive in bursts: several at the same instant, bursts a
        // few odd milliseconds apart (closer together than a reply takes).
        let bursts = [0, 0, 0, 3, 7, 7, 11, 13, 17, 23];

        type Done = (Reply, std::time::Duration, String);
        // The handlers given a `bar` are drawn on the timeline under it,
        // from the moment handle is called until it returns.
        let run = |command: Command, arrives: u64, jitter: Jitter, bar: Option<String>| {
            let db = db.clone();
            tokio::spawn(async move {
                sleep(ms(arrives)).await;
                jitter.pause().await;
                let start = Instant::now();
                let reply = match bar {
                    Some(bar) => {
                        Timeline::current()
                            .span(bar, handle(&db, command.clone()))
                            .await
                    }
                    None => handle(&db, command.clone()).await,
                };
                (
                    reply,
                    start.elapsed(),
                    format!("{command:?} arriving at {arrives}ms"),
                )
            })
        };
        let check = |(reply, took, what): &Done, expected: &Reply, count: usize| {
            assert_eq!(
                reply, expected,
                "{count} handlers spawned close together: handle({what}) replied {reply:?}, \
                 expected {expected:?}."
            );
            assert!(
                *took == ms(10),
                "{count} handlers spawned close together: handle({what}) took {} from the \
                 moment it was called, expected exactly 10ms (one reply). Each handler only \
                 writes its own reply; if it took longer, it waited for other handlers: is a \
                 lock (a tokio::sync::Mutex guard, say) held while the reply is written? Hold \
                 the lock only inside get and set, never across an `.await`.",
                fmt_duration(*took)
            );
        };

        // Every client SETs its own key. The first few are drawn: each one
        // replies 10ms after it arrives, side by side with the others.
        let timeline = Timeline::start(format!(
            "{count} SET handlers spawned close together (the first {DRAWN} drawn)"
        ));
        let values: Vec<String> = keys.iter().map(|_| value(&mut rng, 16)).collect();
        let sets: Vec<_> = keys
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(n, (key, value))| {
                let arrives = *rng.pick(&bursts);
                let bar = (n < DRAWN).then(|| format!("SET {key}"));
                if let Some(bar) = &bar {
                    timeline.expect(bar.clone(), ms(arrives), ms(arrives + 10));
                }
                run(set(key, value), arrives, jitter.clone(), bar)
            })
            .collect();
        for task in sets {
            let done = no_hang("the spawned SET handlers", task)
                .await
                .expect("a spawned SET handler panicked");
            check(&done, &Reply::Ok, count);
        }

        // Then every client GETs a key, in another order, some of them twice.
        let mut order: Vec<usize> = rng.permutation(count);
        order.extend((0..count / 4).map(|_| rng.range(0, count as u64 - 1) as usize));
        rng.shuffle(&mut order);
        let timeline = Timeline::start(format!(
            "{} GET handlers spawned close together (the first {DRAWN} drawn)",
            order.len()
        ));
        let gets: Vec<_> = order
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let arrives = *rng.pick(&bursts);
                let bar = (i < DRAWN).then(|| format!("GET {}", keys[n]));
                if let Some(bar) = &bar {
                    timeline.expect(bar.clone(), ms(arrives), ms(arrives + 10));
                }
                (n, run(get(&keys[n]), arrives, jitter.clone(), bar))
            })
            .collect();
        for (n, task) in gets {
            let done = no_hang("the spawned GET handlers", task)
                .await
                .expect("a spawned GET handler panicked");
            check(&done, &Reply::Value(values[n].clone()), count);
        }
        assert_no_leaked_tasks("every handler finished").await;
    })
    .await;
}

/// Real threads, no paused clock and no timers: tasks on different worker
/// threads call `get` and `set` at the very same time. A lock that gives up
/// when another thread holds it (`try_lock`) loses writes here, and a lock
/// that may not be used inside the runtime (`blocking_lock`) panics.
#[test]
fn many_threads_use_one_db_at_once() {
    const TASKS: usize = 8;
    const KEYS: usize = 150;
    // On this thread first, so that an unwritten `Db::new` is reported as
    // such, not as a failure on another runtime.
    let _ = Db::new();
    on_multi_thread(
        12,
        4,
        "tasks on 4 worker threads using clones of one Db",
        |run| async move {
            let db = Db::new();
            let start = Arc::new(tokio::sync::Barrier::new(TASKS));
            // Long values keep each get and set busy inside the lock a little
            // longer, so that the threads really meet there.
            let filler = "x".repeat(2048 + run as usize);
            let tasks: Vec<_> = (0..TASKS)
                .map(|task| {
                    let (db, start, filler) = (db.clone(), start.clone(), filler.clone());
                    tokio::spawn(async move {
                        start.wait().await;
                        for n in 0..KEYS {
                            let key = format!("t{task}:k{n}");
                            db.set(&key, &format!("{key}={filler}"));
                            // Read a key another task is writing right now.
                            let _ = db.get(&format!("t{}:k{n}", (task + 1) % TASKS));
                            let mine = db.get(&key);
                            assert!(
                                mine.as_deref()
                                    .is_some_and(|v| v.starts_with(&format!("{key}="))),
                                "a task on a multi-thread runtime called set({key:?}, ..) and \
                                 then get({key:?}) returned {}, while other threads were using \
                                 the Db too. Does get or set give up when the lock is busy \
                                 (try_lock)? They must wait for it: std::sync::Mutex::lock.",
                                match &mine {
                                    Some(_) => "another value".to_string(),
                                    None => "None".to_string(),
                                }
                            );
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap_or_else(|error| {
                    std::panic::resume_unwind(error.into_panic());
                });
            }
            let missing = (0..TASKS)
                .flat_map(|task| (0..KEYS).map(move |n| format!("t{task}:k{n}")))
                .filter(|key| db.get(key).is_none())
                .count();
            assert_eq!(
                missing, 0,
                "{TASKS} tasks on a multi-thread runtime each set {KEYS} keys in one Db; \
                 afterwards {missing} of them were missing. A set that gives up when another \
                 thread holds the lock (try_lock) loses writes: wait for the lock \
                 (std::sync::Mutex::lock)."
            );
        },
    );
}

/// Plain threads take turns on one `Db` (each waits for the previous one
/// to finish its `set`): every `get`, on whichever thread, must see the
/// latest value. Data kept per thread (a `thread_local!` shard or cache)
/// gives a thread back its own older value.
#[test]
fn a_value_set_on_one_thread_is_read_on_every_other() {
    use std::sync::mpsc;
    const THREADS: usize = 3;
    const ROUNDS: usize = 12;
    let db = Db::new();
    // One channel per thread: a turn (the round) is passed from thread to
    // thread, so the calls happen one after another, on different threads.
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..THREADS).map(|_| mpsc::channel::<usize>()).unzip();
    let failures = std::thread::scope(|scope| {
        let handles: Vec<_> = receivers
            .into_iter()
            .enumerate()
            .map(|(me, turns)| {
                let (db, next) = (db.clone(), senders[(me + 1) % THREADS].clone());
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for round in turns {
                        if round == ROUNDS {
                            let _ = next.send(round);
                            break;
                        }
                        // Every key was last set by the previous thread.
                        for key in ["a", "b", "c"] {
                            let expected = if round == 0 {
                                None
                            } else {
                                Some(format!("{key}{}", round - 1))
                            };
                            let found = db.get(key);
                            if found != expected {
                                failures.push(format!(
                                    "round {round}: thread {me} called get({key:?}) and got \
                                     {found:?}, expected {expected:?} (set just before by \
                                     thread {})",
                                    (me + THREADS - 1) % THREADS
                                ));
                            }
                            let value = if round % 4 == 3 {
                                String::new()
                            } else {
                                format!("{key}{round}")
                            };
                            db.set(key, &value);
                            if value.is_empty() {
                                // Then the value this round promises.
                                db.set(key, &format!("{key}{round}"));
                            }
                        }
                        let _ = next.send(round + 1);
                    }
                    failures
                })
            })
            .collect();
        senders[0]
            .send(0)
            .expect("thread 0 is waiting for its turn");
        drop(senders);
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a thread of the test panicked"))
            .collect::<Vec<_>>()
    });
    assert!(
        failures.is_empty(),
        "{THREADS} threads took turns with clones of one Db: each one read every key (last \
         set by the thread before it), then set it again.\n{}\n\
         Every clone, on every thread, must see the same data: a value set on one thread is \
         what get returns on any other. Data kept per thread (a thread_local! map, a shard \
         chosen by the calling thread, a per-thread cache) gives a thread its own older \
         value. Shard by key, if you shard at all.",
        failures.join("\n")
    );
}
