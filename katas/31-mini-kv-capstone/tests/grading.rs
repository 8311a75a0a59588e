//! Grading tests for kata 31: mini-kv.
//!
//! Everything but the last test runs on tokio's paused clock, without the
//! network:
//!
//! - the protocol (`handle_connection`) against scripted connections
//!   (`tokio_test::io` mocks), where the client waits for each reply before
//!   it sends its next command, and in-memory pipes (`tokio::io::duplex`);
//! - `accept_with_backoff` and `serve` against fake listeners: one whose
//!   accepts fail (or connect) on cue, and one that hands out in-memory
//!   connections (`tokio::io::duplex`) to clients the test controls.
//!
//! The last test is end to end, on a real socket with the real clock, under
//! a real time limit of a few seconds.
//!
//! | mistake | the test that catches it |
//! |---|---|
//! | no flush: the reply sits in a `BufWriter` | `replies_are_flushed_before_the_next_command_is_read` |
//! | words split on single spaces (`split(' ')`): tabs and double spaces break commands | `a_seeded_session_answers_like_a_map` |
//! | extra words accepted (`splitn(3, ' ')`: `SET k v w` stores `v w`) | `a_seeded_session_answers_like_a_map` |
//! | each read taken as whole commands: commands sent together, or one split across reads, are mangled | `commands_sent_together_are_all_answered_in_order`, `a_seeded_session_answers_like_a_map` (random cuts) |
//! | a last command cut off by end of file (no `\n`) dropped unanswered (only complete lines taken) | `a_last_command_without_a_newline_is_answered_at_end_of_file` |
//! | `GET` removes the value, `SET` keeps the first value | `set_then_get_returns_the_value`, `a_seeded_session_answers_like_a_map` |
//! | lowercase commands accepted (`to_uppercase` "to be lenient"), an empty line taken for the end | `bad_commands_get_an_error_and_the_connection_goes_on`, `a_seeded_session_answers_like_a_map` |
//! | a missing key answered `VALUE ` (an empty value) instead of `NIL` | `get_of_a_missing_key_is_nil`, `a_seeded_session_answers_like_a_map` |
//! | a read error taken for the end of the connection (`while let Ok(Some(line))`) | `an_io_error_ends_the_connection_with_that_error` |
//! | a `try_lock` in `Db` that skips (or panics) when another thread holds the lock | `the_db_keeps_every_write_under_contention` (multi-thread runtime) |
//! | shutdown ignored by the connection, or only noticed when the client speaks | `an_idle_connection_ends_when_shutdown_is_signalled` |
//! | shutdown checked on a timer (`timeout` around `next_line`) | `an_idle_connection_ends_when_shutdown_is_signalled` (odd times), `an_idle_connection_costs_no_wakeups` |
//! | an unbiased `select!`: a command arriving with the shutdown is taken | `a_command_that_arrives_with_the_shutdown_is_not_taken` |
//! | the whole command (read, reply) raced against shutdown: a reply cut off | `shutdown_finishes_the_reply_in_flight_and_closes_every_connection` |
//! | a fixed backoff; no give-up; one attempt too few or too many | `accept_retries_with_a_doubling_backoff`, `accept_gives_up_after_the_64s_wait` |
//! | the backoff not started afresh for the next accept | `every_accept_starts_a_fresh_backoff` |
//! | on shutdown, the commands already in the read buffer answered first ("drain"), or replies flushed only when the buffer is empty | `commands_already_sent_are_not_taken_after_the_shutdown` |
//! | only some error kinds retried ("fatal" ones like `PermissionDenied` returned at once) | `every_kind_of_accept_error_is_retried` |
//! | no connection limit; a permit taken after accepting; dropped too early; never released | `the_connection_limit_holds_extra_clients_back`, `the_limit_holds_for_any_max_and_any_order` |
//! | connections handled inline in the accept loop | `the_connection_limit_holds_extra_clients_back` |
//! | a new `Db` per connection instead of one shared `Db` | `the_connection_limit_holds_extra_clients_back`, `a_real_client_sets_and_gets_over_tcp` |
//! | connection tasks aborted at shutdown (a reply cut off) | `shutdown_finishes_the_reply_in_flight_and_closes_every_connection` |
//! | returns at shutdown without waiting for the connections | `shutdown_finishes_the_reply_in_flight_and_closes_every_connection` |
//! | its own completion `Sender` kept: waits forever | `shutdown_finishes_the_reply_in_flight_and_closes_every_connection` |
//! | waits for the connections by polling (a permit count, a counter, on a timer) | `serve_waits_quietly_and_stops_at_the_signal` |
//! | waits for the connections by spinning (`yield_now` until the permits are back) | `shutdown_finishes_the_reply_in_flight_and_closes_every_connection`, `when_accepting_fails_for_good_open_connections_are_closed_gracefully` (`no_spin`) |
//! | the signal not raced against the backoff wait | `shutdown_during_a_backoff_wait_returns_at_once` |
//! | an accept error returned at once with `?`, skipping the graceful shutdown | `when_accepting_fails_for_good_open_connections_are_closed_gracefully` |
//! | the accept loop in a detached task: it outlives a dropped `serve` | `dropping_serve_leaves_nothing_running` |

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kata_31_mini_kv_capstone::{Db, Listener, accept_with_backoff, handle_connection, serve};
use kata_support::{
    EventLog, Rng, Stopwatch, Wakeups, assert_no_leaked_tasks, assert_nothing_left_running,
    cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin, on_multi_thread, scripted,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter, DuplexStream};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::{Instant, sleep};
use tokio_test::io::Builder;
use tokio_test::{assert_pending, assert_ready, task};

// ---------------------------------------------------------------------------
// The protocol, on scripted connections.

/// Runs `handle_connection` on one scripted connection against `db`, with a
/// shutdown channel that stays open (its Sender is returned, alive).
async fn session(what: &str, script: &mut Builder, expected_back: &str, db: &Db) {
    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let mock = script.name("client").build();
    *script = Builder::new();
    let (result, got) = scripted(what, mock, expected_back, |reader, writer| {
        handle_connection(reader, writer, db.clone(), shutdown)
    })
    .await;
    assert_replies(what, &result, &got, expected_back);
}

#[track_caller]
fn assert_replies(what: &str, result: &io::Result<()>, got: &str, expected_back: &str) {
    assert!(
        result.is_ok(),
        "{what}: handle_connection returned {result:?}, expected Ok(()) when the client \
         hangs up (end of file)."
    );
    assert_eq!(
        got, expected_back,
        "{what}: the client received {got:?}, expected {expected_back:?}. One reply line per \
         command, in order, each ending in \\n, flushed."
    );
}

#[tokio::test(start_paused = true)]
async fn set_then_get_returns_the_value() {
    let db = Db::new();
    session(
        "a client that sends `SET color blue`, then `GET color`",
        Builder::new()
            .read(b"SET color blue\n")
            .write(b"OK\n")
            .read(b"GET color\n")
            .write(b"VALUE blue\n"),
        "OK\nVALUE blue\n",
        &db,
    )
    .await;
    assert_eq!(
        db.get("color").as_deref(),
        Some("blue"),
        "after `SET color blue` the Db must hold color = blue (Db::get returned something \
         else): SET stores into the Db that handle_connection was given."
    );
}

#[tokio::test(start_paused = true)]
async fn get_of_a_missing_key_is_nil() {
    session(
        "a client that sends `GET nothing-here`",
        Builder::new().read(b"GET nothing-here\n").write(b"NIL\n"),
        "NIL\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn bad_commands_get_an_error_and_the_connection_goes_on() {
    session(
        "a client that sends `DEL k`, `SET k`, `get k`, an empty line, then `GET k`",
        Builder::new()
            .read(b"DEL k\n")
            .write(b"ERR unknown command\n")
            .read(b"SET k\n")
            .write(b"ERR unknown command\n")
            .read(b"get k\n")
            .write(b"ERR unknown command\n")
            .read(b"\n")
            .write(b"ERR unknown command\n")
            .read(b"GET k\n")
            .write(b"NIL\n"),
        "ERR unknown command\nERR unknown command\nERR unknown command\nERR unknown command\nNIL\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn commands_sent_together_are_all_answered_in_order() {
    session(
        "a client that sends four commands in one write",
        Builder::new()
            .read(b"SET a 1\nSET b 2\nGET a\nGET b\n")
            .write(b"OK\nOK\nVALUE 1\nVALUE 2\n"),
        "OK\nOK\nVALUE 1\nVALUE 2\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn replies_are_flushed_before_the_next_command_is_read() {
    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let what = "a client that sends `SET a 1`, waits for `OK`, then sends `GET a`, through a \
                BufWriter";
    let mock = Builder::new()
        .name("client")
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .build();
    let (result, got) = scripted(what, mock, "OK\nVALUE 1\n", |reader, writer| {
        handle_connection(reader, BufWriter::new(writer), Db::new(), shutdown)
    })
    .await;
    assert_replies(what, &result, &got, "OK\nVALUE 1\n");
}

#[tokio::test(start_paused = true)]
async fn an_idle_connection_ends_when_shutdown_is_signalled() {
    // Shutdown by a message and by the Sender dropped, at odd times.
    for_each_seed(12, |mut rng| async move {
        let by_dropping = rng.chance(1, 2);
        let at = rng.odd_ms(200, 9000);
        let how = if by_dropping {
            "its Sender dropped"
        } else {
            "a message sent"
        };
        let (notify, shutdown) = broadcast::channel::<()>(1);
        let signal = tokio::spawn(async move {
            sleep(ms(at)).await;
            if !by_dropping {
                let _ = notify.send(());
            }
            drop(notify);
        });
        let what = format!(
            "a client that sends `GET a` and then waits 10s in silence, with shutdown \
             ({how}) at {at}ms"
        );
        let mock = Builder::new()
            .name("client")
            .read(b"GET a\n")
            .write(b"NIL\n")
            .wait(Duration::from_secs(10))
            .build();
        let watch = Stopwatch::start();
        let (result, got) = scripted(&what, mock, "NIL\n", |reader, writer| {
            handle_connection(reader, writer, Db::new(), shutdown)
        })
        .await;
        assert_replies(&what, &result, &got, "NIL\n");
        watch.assert_elapsed(
            ms(at),
            &what,
            "While it waits for the next command, a connection must also wait for the \
             shutdown broadcast, and return as soon as it comes (a message, or the \
             channel closing because its Sender was dropped): tokio::select! between \
             shutdown.recv() and the next line. 10s means it only noticed when the client \
             hung up; a little later than the signal means it checks on a timer.",
        );
        signal.await.expect("the test's signal task failed");
        assert_no_leaked_tasks("the session ended").await;
    })
    .await;
}

/// A connection over an in-memory pipe, served by `handle_connection` in a
/// task: the test's side of it.
struct Piped {
    client: Client,
    notify: Option<broadcast::Sender<()>>,
    server: tokio::task::JoinHandle<io::Result<()>>,
}

impl Piped {
    fn start(db: &Db) -> Piped {
        let (client, server) = tokio::io::duplex(256);
        let (reader, writer) = tokio::io::split(server);
        let (notify, shutdown) = broadcast::channel::<()>(1);
        Piped {
            client: BufReader::new(client),
            notify: Some(notify),
            server: tokio::spawn(handle_connection(reader, writer, db.clone(), shutdown)),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn an_idle_connection_costs_no_wakeups() {
    let mut conn = Piped::start(&Db::new());
    let reply = no_hang(
        "`SET a 1` on a fresh connection",
        request(&mut conn.client, "SET a 1"),
    )
    .await;
    assert_eq!(reply, "OK", "`SET a 1` got {reply:?}, expected \"OK\".");
    Wakeups::assert_quiet_for(
        ms(60_000),
        0,
        "handle_connection waited for the next command of a silent client, with no shutdown",
    )
    .await;
    drop(conn.notify.take());
    let watch = Stopwatch::start();
    let result = no_hang(
        "handle_connection after the shutdown Sender was dropped",
        &mut conn.server,
    )
    .await
    .expect("handle_connection panicked");
    watch.assert_elapsed(
        Duration::ZERO,
        "handle_connection, from the shutdown until it returned,",
        "an idle connection waits for the shutdown broadcast itself (shutdown.recv() in a \
         select! with the next line) and returns the moment it comes.",
    );
    assert!(
        result.is_ok(),
        "handle_connection returned {result:?} at shutdown, expected Ok(())."
    );
}

#[tokio::test(start_paused = true)]
async fn a_command_that_arrives_with_the_shutdown_is_not_taken() {
    // An unbiased select! picks at random between two ready branches: 32
    // rounds leave it no luck to pass by.
    for round in 0..32u32 {
        let by_dropping = round % 2 == 1;
        let db = Db::new();
        let mut conn = Piped::start(&db);
        let reply = no_hang("`SET a 1`", request(&mut conn.client, "SET a 1")).await;
        assert_eq!(reply, "OK", "`SET a 1` got {reply:?}, expected \"OK\".");
        // At the same instant: a new command, and the shutdown signal.
        conn.client
            .write_all(b"SET a 2\n")
            .await
            .expect("the client could not send");
        let notify = conn.notify.take().unwrap();
        if !by_dropping {
            let _ = notify.send(());
        }
        drop(notify);
        let result = no_hang(
            "handle_connection after the shutdown signal",
            &mut conn.server,
        )
        .await
        .expect("handle_connection panicked");
        let mut rest = String::new();
        let _ = conn.client.read_to_string(&mut rest).await;
        assert!(
            result.is_ok() && rest.is_empty() && db.get("a").as_deref() == Some("1"),
            "round {round}: the command `SET a 2` and the shutdown signal ({}) arrived at the \
             same instant; handle_connection returned {result:?}, the client received {rest:?} \
             and the Db holds a = {:?}. Once shutdown has come, no new command is taken: \
             expected Ok(()), no reply, a = \"1\". In tokio::select!, put the shutdown branch \
             first and add `biased;`: without it, select! picks a ready branch at random.",
            if by_dropping {
                "the Sender dropped"
            } else {
                "a message"
            },
            db.get("a")
        );
    }
    assert_no_leaked_tasks("every connection ended").await;
}

#[tokio::test(start_paused = true)]
async fn commands_already_sent_are_not_taken_after_the_shutdown() {
    for_each_seed(8, |mut rng| async move {
        let db = Db::new();
        let size = rng.range(100, 400) as usize;
        let big = "x".repeat(size);
        db.set("big", &big);
        // Commands go through a roomy pipe, replies through an 8-byte one
        // that the client does not read yet: the reply to `GET big` is stuck
        // half-written, while `SET a 2` (and more) already sit in
        // handle_connection's read buffer.
        let (mut to_server, commands) = tokio::io::duplex(1024);
        let (replies, mut from_server) = tokio::io::duplex(8);
        let (notify, shutdown) = broadcast::channel::<()>(1);
        // Sometimes through a BufWriter, as serve would hand it: then a
        // reply waits in it until it is flushed.
        let buffered = rng.chance(2, 3);
        let server = if buffered {
            tokio::spawn(handle_connection(
                commands,
                BufWriter::new(replies),
                db.clone(),
                shutdown,
            ))
        } else {
            tokio::spawn(handle_connection(commands, replies, db.clone(), shutdown))
        };
        let more = rng.range(1, 4);
        let mut sent = String::from("GET big\nSET a 2\n");
        for n in 0..more {
            sent.push_str(&format!("SET k{n} v{n}\n"));
        }
        to_server
            .write_all(sent.as_bytes())
            .await
            .expect("the client could not send");
        sleep(ms(rng.odd_ms(1, 99))).await;
        // The signal comes while the reply is stuck.
        let by_dropping = rng.chance(1, 2);
        if !by_dropping {
            let _ = notify.send(());
        }
        drop(notify);
        let mut got = String::new();
        no_hang(
            "the client reading its replies after the shutdown signal",
            from_server.read_to_string(&mut got),
        )
        .await
        .expect("the client could not read");
        let result = no_hang("handle_connection after the shutdown signal", server)
            .await
            .expect("handle_connection panicked");
        let expected = format!("VALUE {big}\n");
        assert!(
            result.is_ok() && got == expected && db.get("a").is_none() && db.get("k0").is_none(),
            "the client sent {sent:?} in one go{}; while the reply to `GET big` ({} bytes) was \
             still being written, the shutdown signal came ({}). handle_connection returned \
             {result:?}, the client received {} bytes ({}), and the Db holds a = {:?}, k0 = \
             {:?}. The command in progress is answered in full, and then no new command is \
             taken, even one already in the read buffer: expected Ok(()), exactly the `GET big` \
             reply, a and k0 unset. Check for the shutdown before every command (a biased \
             select! around the read does it), do not drain what is buffered; and flush each \
             reply as soon as it is written (not once the read buffer is empty).",
            if buffered {
                ", replies through a BufWriter"
            } else {
                ""
            },
            expected.len(),
            if by_dropping {
                "the Sender dropped"
            } else {
                "a message"
            },
            got.len(),
            if got.starts_with(&expected) && got.len() > expected.len() {
                format!("the GET reply, then {:?}", &got[expected.len()..])
            } else if got.len() < expected.len() {
                "part of the GET reply".to_string()
            } else {
                "the GET reply".to_string()
            },
            db.get("a"),
            db.get("k0"),
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_io_error_ends_the_connection_with_that_error() {
    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let what = "a client whose connection is reset after `SET a 1`";
    let mock = Builder::new()
        .name("client")
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read_error(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "reset by peer",
        ))
        .build();
    let (result, got) = scripted(what, mock, "OK\n", |reader, writer| {
        handle_connection(reader, writer, Db::new(), shutdown)
    })
    .await;
    assert_eq!(
        got, "OK\n",
        "{what}: the client received {got:?}, expected \"OK\\n\"."
    );
    assert_eq!(
        result.as_ref().map_err(io::Error::kind),
        Err(io::ErrorKind::ConnectionReset),
        "{what}: handle_connection returned {result:?}, expected that error (ConnectionReset). \
         A read error is not the end of the connection (that is Ok(None) from next_line): \
         pass it up with `?` instead of stopping quietly (`while let Ok(Some(line))` \
         swallows it)."
    );

    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let what = "a client that is gone by the time the reply to `GET a` is written";
    let mock = Builder::new()
        .name("client")
        .read(b"GET a\n")
        .write_error(io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))
        .build();
    let (result, _) = scripted(what, mock, "", |reader, writer| {
        handle_connection(reader, writer, Db::new(), shutdown)
    })
    .await;
    assert_eq!(
        result.as_ref().map_err(io::Error::kind),
        Err(io::ErrorKind::BrokenPipe),
        "{what}: handle_connection returned {result:?}, expected that error (BrokenPipe): \
         pass write errors up with `?`."
    );
}

// ---------------------------------------------------------------------------
// A seeded session against a model of the store.

const KEYS: [&str; 5] = ["a", "b", "color", "k9", "x-y"];
const VALUES: [&str; 6] = ["1", "blue", "42", "hello", "v_2", "ünï"];

/// A separator between words: usually one space, sometimes more, or a tab.
fn gap(rng: &mut Rng) -> &'static str {
    if rng.chance(1, 3) {
        ["  ", "\t", " \t ", "   "][rng.below(4) as usize]
    } else {
        " "
    }
}

/// A random command line and its reply, applied to `model`.
fn random_command(
    rng: &mut Rng,
    model: &mut std::collections::HashMap<String, String>,
) -> (String, String) {
    let key = KEYS[rng.below(KEYS.len() as u64) as usize];
    let value = VALUES[rng.below(VALUES.len() as u64) as usize];
    let error = "ERR unknown command".to_string();
    match rng.below(10) {
        0..=3 => {
            model.insert(key.to_string(), value.to_string());
            (
                format!("SET{}{key}{}{value}", gap(rng), gap(rng)),
                "OK".to_string(),
            )
        }
        4..=6 => {
            let reply = match model.get(key) {
                Some(value) => format!("VALUE {value}"),
                None => "NIL".to_string(),
            };
            (format!("GET{}{key}", gap(rng)), reply)
        }
        _ => {
            let bad = [
                format!("SET {key} {value} extra"),
                format!("GET {key} {key}"),
                format!("get {key}"),
                format!("Set {key} {value}"),
                format!("DEL {key}"),
                format!("SET {key}"),
                "GET".to_string(),
                String::new(),
                "PING".to_string(),
            ];
            (bad[rng.below(bad.len() as u64) as usize].clone(), error)
        }
    }
}

/// Cuts `bytes` into 1 to 4 pieces at random places.
fn cut(rng: &mut Rng, bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = (0..rng.range(0, 3))
        .map(|_| rng.range(1, bytes.len().max(2) as u64 - 1) as usize)
        .filter(|&at| at < bytes.len())
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for at in cuts.into_iter().chain([bytes.len()]) {
        pieces.push(bytes[from..at].to_vec());
        from = at;
    }
    pieces
}

#[tokio::test(start_paused = true)]
async fn a_seeded_session_answers_like_a_map() {
    for_each_seed(40, |mut rng| async move {
        let mut model = std::collections::HashMap::new();
        let mut script = Builder::new();
        script.name("client");
        let mut commands = Vec::new();
        let mut expected_back = String::new();
        for _ in 0..rng.range(1, 8) {
            if rng.chance(1, 3) {
                script.wait(ms(rng.odd_ms(1, 900)));
            }
            // A batch of commands sent together (pipelined), cut anywhere.
            let mut sent = String::new();
            let mut replies = String::new();
            for _ in 0..rng.range(1, 4) {
                let (line, reply) = random_command(&mut rng, &mut model);
                sent.push_str(&line);
                sent.push('\n');
                replies.push_str(&reply);
                replies.push('\n');
                commands.push(line);
            }
            for piece in cut(&mut rng, sent.as_bytes()) {
                script.read(&piece);
            }
            for piece in cut(&mut rng, replies.as_bytes()) {
                script.write(&piece);
            }
            expected_back.push_str(&replies);
        }
        let buffered = rng.chance(1, 2);
        let what = format!(
            "a client that sends {:?}{} (in batches, cut at random places)",
            commands,
            if buffered {
                ", through a BufWriter"
            } else {
                ""
            }
        );
        let db = Db::new();
        let (_keep_open, shutdown) = broadcast::channel::<()>(1);
        let mock = script.build();
        let (result, got) = if buffered {
            scripted(&what, mock, &expected_back, |reader, writer| {
                handle_connection(reader, BufWriter::new(writer), db.clone(), shutdown)
            })
            .await
        } else {
            scripted(&what, mock, &expected_back, |reader, writer| {
                handle_connection(reader, writer, db.clone(), shutdown)
            })
            .await
        };
        assert_replies(&what, &result, &got, &expected_back);
        for key in KEYS {
            assert_eq!(
                db.get(key),
                model.get(key).cloned(),
                "{what}: at the end, Db::get({key:?}) returned {:?}, expected {:?}: SET \
                 replaces the value, GET leaves it in place.",
                db.get(key),
                model.get(key)
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_last_command_without_a_newline_is_answered_at_end_of_file() {
    // `printf 'GET k' | nc ..`: the last command ends with the end of the
    // stream instead of a `\n`. It is still a command (`lines()` yields it),
    // and its reply is the last thing the client reads.
    for_each_seed(16, |mut rng| async move {
        let db = Db::new();
        let mut model = std::collections::HashMap::new();
        let mut conn = Piped::start(&db);
        let mut commands = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let (line, reply) = random_command(&mut rng, &mut model);
            let got = no_hang(
                &format!("`{line}` on a fresh connection"),
                request(&mut conn.client, &line),
            )
            .await;
            assert_eq!(got, reply, "`{line}` got {got:?}, expected {reply:?}.");
            commands.push(line);
        }
        let (last, reply) = loop {
            let (line, reply) = random_command(&mut rng, &mut model);
            if !line.is_empty() {
                break (line, reply);
            }
        };
        let pause = rng.odd_ms(1, 900);
        let what = format!(
            "a client that sends {commands:?}, each with its `\\n`, then `{last}` without \
             one, and hangs up {pause}ms later"
        );
        conn.client
            .write_all(last.as_bytes())
            .await
            .expect("the connection was closed before the last command could be sent");
        sleep(ms(pause)).await;
        conn.client
            .get_mut()
            .shutdown()
            .await
            .expect("the client could not hang up");
        let mut rest = String::new();
        no_hang(&what, conn.client.read_to_string(&mut rest))
            .await
            .expect("the connection failed while reading the last reply");
        assert_eq!(
            rest,
            format!("{reply}\n"),
            "{what}: after hanging up, the client received {rest:?}, expected {:?}. At end \
             of file a last line without its `\\n` is still a command: answer it (as \
             `lines()` does), then return.",
            format!("{reply}\n")
        );
        let result = no_hang(&what, &mut conn.server)
            .await
            .expect("handle_connection panicked");
        assert!(
            result.is_ok(),
            "{what}: handle_connection returned {result:?}, expected Ok(()) at end of file."
        );
        for key in KEYS {
            assert_eq!(
                db.get(key),
                model.get(key).cloned(),
                "{what}: at the end, Db::get({key:?}) returned {:?}, expected {:?}.",
                db.get(key),
                model.get(key)
            );
        }
    })
    .await;
}

#[test]
fn the_db_keeps_every_write_under_contention() {
    // Each run is a fresh 4-worker runtime; a lock that is skipped when
    // busy loses a write as soon as two workers meet on it, which thousands
    // of operations per run make all but certain.
    on_multi_thread(
        30,
        4,
        "eight tasks setting and getting keys of one Db at once",
        |run| async move {
            let db = Db::new();
            let keys: Vec<Vec<String>> = (0..8)
                .map(|task| (0..250).map(|i| format!("t{task}-{i}")).collect())
                .collect();
            let tasks: Vec<_> = keys
                .iter()
                .cloned()
                .enumerate()
                .map(|(task, keys)| {
                    let db = db.clone();
                    tokio::spawn(async move {
                        for (i, key) in keys.iter().enumerate() {
                            db.set(key, &i.to_string());
                            db.set("shared", &task.to_string());
                            let _ = db.get("shared");
                            let got = db.get(key);
                            assert_eq!(
                                got.as_deref(),
                                Some(i.to_string().as_str()),
                                "run {run}: task {task} set {key:?} to {i:?} and read back {got:?} \
                             while seven other tasks used the same Db. Db::get and Db::set must \
                             wait for the lock (lock()), never give up when it is busy \
                             (try_lock)."
                            );
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("a task using the Db panicked");
            }
            for keys in &keys {
                for (i, key) in keys.iter().enumerate() {
                    let got = db.get(key);
                    assert_eq!(
                        got.as_deref(),
                        Some(i.to_string().as_str()),
                        "run {run}: after eight tasks had set their keys on one Db at once, \
                     Db::get({key:?}) returned {got:?}, expected {i:?}: a write was lost. \
                     Db::set must wait for the lock (lock()), never skip the write when it is \
                     busy (try_lock)."
                    );
                }
            }
            let other = Db::new();
            assert_eq!(
                other.get("t0-0"),
                None,
                "a fresh Db::new() already holds t0-0: every Db must have its own map (the one \
             in its `entries` field), shared only by its clones."
            );
        },
    );
}

// ---------------------------------------------------------------------------
// serve: more about the limit, the backoff and the shutdown.

/// Sends `SET key value` and expects `OK`.
async fn set(client: &mut Client, key: &str, value: &str) {
    let reply = request(client, &format!("SET {key} {value}")).await;
    assert_eq!(
        reply, "OK",
        "`SET {key} {value}` got {reply:?}, expected \"OK\"."
    );
}

#[tokio::test(start_paused = true)]
async fn the_limit_holds_for_any_max_and_any_order() {
    for_each_seed(24, |mut rng| async move {
        let max = rng.range(1, 3) as usize;
        let n = max + rng.range(1, 3) as usize;
        // How long each client stays connected once it has been answered.
        let stays: Vec<u64> = rng.distinct_odd_ms(n, 1, 3000);
        let (listener, clients) = fake_listener();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(no_spin(
            "serve",
            serve(listener, Db::new(), max, async move {
                let _ = stopped.await;
            }),
        ));
        let what = format!(
            "serve(max_connections = {max}) with {n} clients connecting at once, each \
             hanging up {stays:?}ms after its reply"
        );
        let start = Instant::now();
        let answered = Arc::new(std::sync::Mutex::new(vec![None; n]));
        let mut tasks = Vec::new();
        for (i, stay) in stays.iter().copied().enumerate() {
            let mut client = clients.connect(64);
            let answered = answered.clone();
            tasks.push(tokio::spawn(async move {
                let reply = request(&mut client, &format!("SET c{i} x")).await;
                answered.lock().unwrap()[i] = Some((start.elapsed().as_millis() as u64, reply));
                sleep(ms(stay)).await;
                drop(client);
            }));
        }
        // The model: the first `max` clients are accepted and answered at 0;
        // each later one the moment a slot frees, in the order they came.
        let mut slots_free_at: Vec<u64> = vec![0; max];
        let mut expected = Vec::new();
        for stay in &stays {
            slots_free_at.sort();
            let at = slots_free_at[0];
            expected.push(at);
            slots_free_at[0] = at + stay;
        }
        let last = *slots_free_at.iter().max().unwrap();
        no_hang(&what, async {
            for task in tasks {
                task.await.expect("a client failed");
            }
        })
        .await;
        let answered = answered.lock().unwrap().clone();
        let got: Vec<u64> = answered
            .iter()
            .map(|a| a.as_ref().map_or(0, |a| a.0))
            .collect();
        assert!(
            answered
                .iter()
                .all(|a| a.as_ref().is_some_and(|a| a.1 == "OK")),
            "{what}: the replies were {answered:?}, expected OK for every client."
        );
        let accepted: Vec<u64> = clients.log.events().iter().map(|(at, _)| *at).collect();
        assert!(
            got == expected && accepted == expected,
            "{what}: the clients were accepted at {accepted:?}ms and answered at {got:?}ms, \
             expected both at {expected:?}ms: at most {max} at a time, and each waiting client \
             accepted the very moment a connection ends. A permit is taken before accepting \
             (not after), moved into the connection's task, and dropped when that task ends."
        );
        assert_eq!(
            start.elapsed(),
            ms(last),
            "{what}: the last client hung up at {last}ms."
        );
        stop.send(()).ok();
        let returned = no_hang("serve (after the shutdown signal)", server)
            .await
            .expect("serve panicked");
        assert!(
            returned.is_ok(),
            "{what}: serve returned {returned:?} at shutdown, expected Ok(())."
        );
        assert_no_leaked_tasks("serve returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn every_accept_starts_a_fresh_backoff() {
    let log = EventLog::new();
    let script = [false, false, true, false, false, false, true]
        .iter()
        .map(|&ok| {
            if ok {
                Accept::Connect(tokio::io::duplex(64).0)
            } else {
                Accept::Fail
            }
        })
        .collect();
    let listener = ScriptedListener::with_script(script, Then::WaitForever, &log);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(no_spin(
        "serve",
        serve(listener, Db::new(), 4, async move {
            let _ = stopped.await;
        }),
    ));
    sleep(ms(60_000)).await;
    stop.send(()).ok();
    let returned = no_hang("serve (after the shutdown signal)", server)
        .await
        .expect("serve panicked");
    let attempts: Vec<u64> = log.events().iter().map(|(at, _)| *at).collect();
    assert_eq!(
        attempts,
        [0, 1000, 3000, 3000, 4000, 6000, 10_000],
        "serve on a listener whose accepts fail, fail, connect, fail, fail, fail, connect \
         tried to accept at {attempts:?}ms, expected [0, 1000, 3000, 3000, 4000, 6000, \
         10000]: after a connection, the next accept starts again from a 1s wait. Each \
         accept is one call of accept_with_backoff, whose backoff starts at FIRST_BACKOFF."
    );
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} at shutdown, expected Ok(())."
    );
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn serve_waits_quietly_and_stops_at_the_signal() {
    let (listener, clients) = fake_listener();
    let (stop, stopped) = oneshot::channel::<()>();
    let mut server = tokio::spawn(no_spin(
        "serve",
        serve(listener, Db::new(), 3, async move {
            let _ = stopped.await;
        }),
    ));
    let mut idle = Vec::new();
    for i in 0..3 {
        let mut client = clients.connect(64);
        no_hang("a client's `SET`", set(&mut client, &format!("k{i}"), "v")).await;
        idle.push(client);
    }
    Wakeups::assert_quiet_for(
        ms(60_000),
        0,
        "serve waited with three idle clients connected (and a full connection limit), no \
         shutdown",
    )
    .await;
    stop.send(()).ok();
    let watch = Stopwatch::start();
    let returned = no_hang(
        "serve (after the shutdown signal, three idle clients)",
        &mut server,
    )
    .await
    .expect("serve panicked");
    watch.assert_elapsed(
        Duration::ZERO,
        "serve, from the shutdown signal until it returned, with three idle clients",
        "Idle connections stop the moment the broadcast reaches them, and serve learns it \
         the moment the last one ends: recv() on the completion channel returns None when \
         the last connection task drops its Sender. Waiting on a timer (checking a count of \
         permits or tasks every few ms) returns late and wakes up all the time.",
    );
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} at shutdown, expected Ok(())."
    );
    for mut client in idle {
        let mut rest = String::new();
        let _ = no_hang(
            "an idle client waiting for its connection to close",
            client.read_to_string(&mut rest),
        )
        .await;
        assert_eq!(
            rest, "",
            "an idle client received {rest:?} at shutdown, expected nothing."
        );
    }
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_during_a_backoff_wait_returns_at_once() {
    for at in [517u64, 2293, 5317, 44_443] {
        let log = EventLog::new();
        let listener = ScriptedListener::new(&[], &log);
        let watch = Stopwatch::start();
        let returned = no_hang(
            "serve on a failing listener, with the shutdown signal during a backoff wait",
            no_spin("serve", serve(listener, Db::new(), 4, sleep(ms(at)))),
        )
        .await;
        watch.assert_elapsed(
            ms(at),
            &format!(
                "serve on a listener whose accepts always fail, with the shutdown signal at \
                 {at}ms (during a backoff wait)"
            ),
            "The backoff wait is part of accepting: the shutdown signal must be raced \
             against all of it (tokio::select! between the signal and the whole accept \
             loop), so that serve stops at once instead of at the end of the wait.",
        );
        assert!(
            returned.is_ok(),
            "serve returned {returned:?} when the shutdown signal came at {at}ms, expected \
             Ok(()): accept_with_backoff had not given up yet."
        );
        let late = log.events().into_iter().filter(|(t, _)| *t > at).count();
        assert_eq!(
            late, 0,
            "serve kept trying to accept after the shutdown signal at {at}ms."
        );
        assert_no_leaked_tasks("serve returned").await;
    }
}

#[tokio::test(start_paused = true)]
async fn when_accepting_fails_for_good_open_connections_are_closed_gracefully() {
    let log = EventLog::new();
    // The client's pipe holds 8 bytes: a 70-byte reply gets stuck until the
    // client reads it.
    let (client, server_end) = tokio::io::duplex(8);
    let mut client = BufReader::new(client);
    let script = VecDeque::from([Accept::Connect(server_end)]);
    let listener = ScriptedListener::with_script(script, Then::FailForever, &log);
    let db = Db::new();
    let big = "y".repeat(64);
    db.set("big", &big);
    let watch = Stopwatch::start();
    let mut server = tokio::spawn(no_spin(
        "serve",
        serve(listener, db.clone(), 4, std::future::pending()),
    ));
    // While serve retries its accepts, the open connection is still served;
    // then the client asks for a long reply and does not read it yet.
    sleep(ms(50_021)).await;
    no_hang(
        "a client's `SET` while serve was retrying failed accepts",
        set(&mut client, "during", "backoff"),
    )
    .await;
    client
        .write_all(b"GET big\n")
        .await
        .expect("the client could not send");
    // accept_with_backoff gives up at 127s.
    sleep(ms(127_000 - 50_021 + 1)).await;
    assert!(
        !server.is_finished(),
        "serve returned {} once accepting had failed for good, while a connection was still \
         writing its reply. When accepting fails for good, serve shuts down the same \
         graceful way as on the signal: tell every connection to stop (drop the broadcast \
         Sender), wait until the last one is done (the completion channel), then return \
         the error. A `?` on the accept error that returns at once skips all of that.",
        match (&mut server).await {
            Ok(result) => format!("{result:?}"),
            Err(e) => format!("a panic ({e})"),
        }
    );
    let mut everything = String::new();
    no_hang(
        "the client reading its reply, then waiting for the server to close the connection,",
        client.read_to_string(&mut everything),
    )
    .await
    .expect("the client's connection failed");
    assert_eq!(
        everything,
        format!("VALUE {big}\n"),
        "the client asked for `GET big` before accepting failed for good, and received \
         {everything:?} before its connection closed, expected the whole reply."
    );
    let returned = no_hang("serve, once its last connection had ended,", &mut server)
        .await
        .expect("serve panicked");
    assert!(
        returned
            .as_ref()
            .is_err_and(|e| e.to_string() == "too many open files"),
        "serve returned {returned:?} once accepting had failed for good, expected the accept \
         error (too many open files)."
    );
    watch.assert_elapsed(
        ms(127_001),
        "serve, until it returned (accepting gave up at 127s, the client read its reply at \
         127.001s)",
        "serve returns its accept error once its last connection has ended.",
    );
    assert_no_leaked_tasks("serve returned its error").await;
}

#[tokio::test(start_paused = true)]
async fn dropping_serve_leaves_nothing_running() {
    for give_up in [1013u64, 7919] {
        let (listener, clients) = fake_listener();
        let mut a = clients.connect(64);
        let mut b = clients.connect(64);
        let served = async {
            let (stop, stopped) = oneshot::channel::<()>();
            let output = cancel_after(
                ms(give_up),
                serve(listener, Db::new(), 4, async move {
                    let _ = stopped.await;
                }),
            )
            .await;
            drop(stop);
            output
        };
        let clients_talk = async {
            set(&mut a, "a", "1").await;
            set(&mut b, "b", "2").await;
        };
        let (output, ()) = tokio::join!(served, clients_talk);
        assert!(
            output.is_none(),
            "serve returned {output:?} without a shutdown signal before its caller dropped it."
        );
        assert_nothing_left_running(
            &format!(
                "the caller dropped serve's future at {give_up}ms, with two idle clients \
                 connected. Dropping serve drops the broadcast Sender, which tells every \
                 connection to stop; nothing serve started may go on running (an accept loop \
                 spawned as a task of its own does)"
            ),
            ms(60_000),
        )
        .await;
        for client in [&mut a, &mut b] {
            let mut rest = String::new();
            let closed = tokio::time::timeout(ms(1), client.read_to_string(&mut rest)).await;
            assert!(
                matches!(closed, Ok(Ok(0))),
                "a client was still connected after serve had been dropped ({closed:?})."
            );
        }
        drop(clients);
    }
}
// ---------------------------------------------------------------------------
// Accepting with a backoff.

/// What one accept of a [`ScriptedListener`] does.
enum Accept {
    Fail,
    /// A connection: the server's end of an in-memory pipe.
    Connect(DuplexStream),
}

/// What a [`ScriptedListener`] does once its script has run out.
#[derive(Clone, Copy)]
enum Then {
    FailForever,
    WaitForever,
}

/// A listener whose accepts fail or succeed as scripted, logging each
/// attempt at its virtual time.
struct ScriptedListener {
    script: VecDeque<Accept>,
    then: Then,
    attempts: usize,
    log: EventLog,
}

impl ScriptedListener {
    /// `connects[i]`: whether attempt i gets a connection (whose client end
    /// is dropped at once) or fails. Then every accept fails.
    fn new(connects: &[bool], log: &EventLog) -> ScriptedListener {
        let script = connects
            .iter()
            .map(|&ok| {
                if ok {
                    Accept::Connect(tokio::io::duplex(64).0)
                } else {
                    Accept::Fail
                }
            })
            .collect();
        ScriptedListener::with_script(script, Then::FailForever, log)
    }

    fn with_script(script: VecDeque<Accept>, then: Then, log: &EventLog) -> ScriptedListener {
        ScriptedListener {
            script,
            then,
            attempts: 0,
            log: log.clone(),
        }
    }
}

impl Listener for ScriptedListener {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        self.attempts += 1;
        let next = match self.script.pop_front() {
            Some(next) => next,
            None => match self.then {
                Then::FailForever => Accept::Fail,
                Then::WaitForever => std::future::pending().await,
            },
        };
        match next {
            Accept::Connect(conn) => {
                self.log
                    .record(format!("accept attempt {}: a connection", self.attempts));
                Ok(conn)
            }
            Accept::Fail => {
                self.log.record(format!(
                    "accept attempt {}: failed (too many open files)",
                    self.attempts
                ));
                Err(io::Error::other("too many open files"))
            }
        }
    }
}

/// Virtual time in which even the slowest correct backoff (127s) is done.
const BACKOFF_GUARD: Duration = Duration::from_secs(300);

/// Awaits `fut`, failing if it is still retrying after [`BACKOFF_GUARD`].
async fn until_it_gives_up<F: std::future::Future>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(BACKOFF_GUARD, fut).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} was still retrying after {} of virtual time. The waits double (1, 2, \
             4, ... 64s), and when the attempt after the 64s wait fails too, \
             accept_with_backoff must give up and return that error (at 127s): a backoff \
             that never gives up keeps a broken server waiting forever.",
            fmt_duration(BACKOFF_GUARD)
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn accept_retries_with_a_doubling_backoff() {
    let log = EventLog::new();
    let mut listener = ScriptedListener::new(&[false, false, false, true], &log);
    let accepted = until_it_gives_up(
        "accept_with_backoff (three failures, then a connection)",
        accept_with_backoff(&mut listener),
    )
    .await;
    log.record(match &accepted {
        Ok(_) => "accept_with_backoff returned the connection".to_string(),
        Err(e) => format!("accept_with_backoff returned Err({e})"),
    });
    insta::with_settings!({
        description => "accept_with_backoff on a listener that fails three times and then \
            has a connection. After a failure it waits 1s, then 2s, then 4s (tokio's sleep, \
            so the times are exact virtual ms): attempts at 0, 1000, 3000 and 7000ms.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_then_success", log.to_string());
    });
}

#[tokio::test(start_paused = true)]
async fn accept_gives_up_after_the_64s_wait() {
    let log = EventLog::new();
    let mut listener = ScriptedListener::new(&[], &log);
    let accepted = until_it_gives_up(
        "accept_with_backoff on a listener whose accepts always fail",
        accept_with_backoff(&mut listener),
    )
    .await;
    log.record(match &accepted {
        Ok(_) => "accept_with_backoff returned a connection".to_string(),
        Err(e) => format!("accept_with_backoff gave up: Err({e})"),
    });
    insta::with_settings!({
        description => "accept_with_backoff on a listener whose accepts always fail. The \
            waits double from 1s to 64s; the attempt after the 64s wait is the last, and its \
            error is returned: eight attempts, giving up at 127000ms.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_gives_up", log.to_string());
    });
}

/// A listener whose first accepts fail with an error of one kind, then
/// connects.
struct FailingWith {
    kind: io::ErrorKind,
    failures: usize,
    attempts: Vec<u64>,
    start: tokio::time::Instant,
}

impl Listener for FailingWith {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        self.attempts.push(self.start.elapsed().as_millis() as u64);
        if self.attempts.len() <= self.failures {
            Err(io::Error::new(self.kind, "the accept failed"))
        } else {
            Ok(tokio::io::duplex(64).0)
        }
    }
}

#[tokio::test(start_paused = true)]
async fn every_kind_of_accept_error_is_retried() {
    for kind in [
        io::ErrorKind::InvalidInput,
        io::ErrorKind::PermissionDenied,
        io::ErrorKind::Unsupported,
        io::ErrorKind::AddrNotAvailable,
        io::ErrorKind::ConnectionAborted,
        io::ErrorKind::OutOfMemory,
        io::ErrorKind::Other,
    ] {
        let mut listener = FailingWith {
            kind,
            failures: 3,
            attempts: Vec::new(),
            start: tokio::time::Instant::now(),
        };
        let accepted = until_it_gives_up(
            "accept_with_backoff (three failures, then a connection)",
            accept_with_backoff(&mut listener),
        )
        .await;
        assert!(
            accepted.is_ok() && listener.attempts == [0, 1000, 3000, 7000],
            "accept_with_backoff on a listener whose first three accepts fail with an error of \
             kind {kind:?}, then connect, returned {:?} after attempts at {:?} ms, expected the \
             connection after attempts at [0, 1000, 3000, 7000] ms. Every failed accept is \
             retried with the backoff, whatever its kind: a server cannot tell a lasting \
             failure from a passing one, which is what the backoff (and giving up after 64s) \
             is for.",
            accepted.as_ref().map(|_| "a connection"),
            listener.attempts
        );
    }
}

// ---------------------------------------------------------------------------
// serve, with in-memory connections.

/// A listener that hands out the server ends of in-memory connections that
/// the test opens with [`Clients::connect`], and counts what it accepted.
struct FakeListener {
    incoming: mpsc::UnboundedReceiver<DuplexStream>,
    accepted: Arc<AtomicUsize>,
    log: EventLog,
}

impl Listener for FakeListener {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        match self.incoming.recv().await {
            Some(conn) => {
                let n = self.accepted.fetch_add(1, Ordering::SeqCst) + 1;
                self.log.record(format!("accepted client {n}"));
                Ok(conn)
            }
            // No more clients will come: wait like a quiet listener does.
            None => std::future::pending().await,
        }
    }
}

/// The test's side: opens connections to the fake listener.
struct Clients {
    connect: mpsc::UnboundedSender<DuplexStream>,
    accepted: Arc<AtomicUsize>,
    log: EventLog,
}

/// A client: the client's end of an in-memory connection.
type Client = BufReader<DuplexStream>;

impl Clients {
    /// Opens a connection whose buffers hold `buffer` bytes each way.
    fn connect(&self, buffer: usize) -> Client {
        let (client, server) = tokio::io::duplex(buffer);
        self.connect
            .send(server)
            .expect("the fake listener is gone: serve dropped it");
        BufReader::new(client)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn fake_listener() -> (FakeListener, Clients) {
    let (connect, incoming) = mpsc::unbounded_channel();
    let accepted = Arc::new(AtomicUsize::new(0));
    let log = EventLog::new();
    (
        FakeListener {
            incoming,
            accepted: accepted.clone(),
            log: log.clone(),
        },
        Clients {
            connect,
            accepted,
            log,
        },
    )
}

/// Sends one command and reads its reply line (without the `\n`).
async fn request(client: &mut Client, command: &str) -> String {
    client
        .write_all(format!("{command}\n").as_bytes())
        .await
        .expect("the connection was closed before the command could be sent");
    read_reply(client).await
}

async fn read_reply(client: &mut Client) -> String {
    let mut line = String::new();
    client
        .read_line(&mut line)
        .await
        .expect("the connection failed while reading a reply");
    line.trim_end_matches('\n').to_string()
}

/// Lets every task that can run, run (the paused clock moves 1ms).
async fn settle() {
    sleep(ms(1)).await;
}

#[tokio::test(start_paused = true)]
async fn the_connection_limit_holds_extra_clients_back() {
    let (listener, clients) = fake_listener();
    let db = Db::new();
    db.set("k", "v");
    let (stop, stopped) = oneshot::channel::<()>();
    // serve, polled by hand: the test sees exactly when it can make progress.
    let mut server = task::spawn(serve(listener, db, 2, async move {
        let _ = stopped.await;
    }));

    let mut a = clients.connect(64);
    let mut b = clients.connect(64);
    let mut c = clients.connect(64);
    assert_pending!(
        server.poll(),
        "serve returned while three clients were connecting and no shutdown was signalled"
    );
    settle().await;
    assert_eq!(
        clients.accepted(),
        2,
        "with max_connections = 2 and three clients connecting, serve accepted {} \
         connection(s). It must take a permit from the Semaphore *before* it accepts, so \
         that it accepts exactly 2 and the third client waits in the listener's backlog \
         until a slot is free.",
        clients.accepted()
    );

    let reply_a = no_hang("client a's `GET k`", request(&mut a, "GET k")).await;
    let reply_b = no_hang("client b's `GET k`", request(&mut b, "GET k")).await;
    assert_eq!(
        (reply_a.as_str(), reply_b.as_str()),
        ("VALUE v", "VALUE v"),
        "the two accepted clients sent `GET k` (k = v) and got {reply_a:?} and {reply_b:?}."
    );

    c.write_all(b"GET k\n")
        .await
        .expect("client c could not send");
    let mut waiting_c = task::spawn(read_reply(&mut c));
    settle().await;
    assert_pending!(
        waiting_c.poll(),
        "client c, the third client with max_connections = 2, was answered while a and b \
         were still connected: the limit does not hold. Acquire a permit before accepting \
         and keep it in the connection's task until the connection ends"
    );

    // Client a hangs up: its slot goes to client c.
    drop(a);
    settle().await;
    assert!(
        server.is_woken(),
        "client a hung up, which frees a slot, but serve was not woken up to accept client \
         c. The permit must be released when a's connection ends: move it into the \
         connection's task and drop it when the task finishes."
    );
    assert_pending!(
        server.poll(),
        "serve returned after client a hung up, with no shutdown signalled"
    );
    settle().await;
    assert_eq!(
        clients.accepted(),
        3,
        "after client a hung up, serve should have accepted client c (3 accepted in all), \
         but has accepted {}.",
        clients.accepted()
    );
    assert!(
        waiting_c.is_woken(),
        "client c was accepted, but no reply to its `GET k` arrived."
    );
    let reply_c = assert_ready!(
        waiting_c.poll(),
        "client c was accepted, but no reply to its `GET k` arrived"
    );
    assert_eq!(
        reply_c, "VALUE v",
        "client c sent `GET k` (k = v) and got {reply_c:?}."
    );

    drop(waiting_c);
    stop.send(()).ok();
    let returned = no_hang("serve (after the shutdown signal)", server).await;
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    drop((b, c));
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_the_reply_in_flight_and_closes_every_connection() {
    let (listener, clients) = fake_listener();
    let db = Db::new();
    let big = "x".repeat(64);
    db.set("big", &big);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(no_spin(
        "serve",
        serve(listener, db, 4, async move {
            let _ = stopped.await;
        }),
    ));

    // `busy` asks for a 70-byte reply through an 8-byte pipe and does not
    // read it yet: its connection is stuck writing the reply.
    let mut busy = clients.connect(8);
    let mut idle = clients.connect(64);
    busy.write_all(b"GET big\n")
        .await
        .expect("the busy client could not send");
    settle().await;

    stop.send(())
        .expect("serve dropped its shutdown future without waiting for it");
    settle().await;
    assert!(
        !server.is_finished(),
        "serve returned right after the shutdown signal, while a connection was still \
         writing its reply: it either did not wait for its connection tasks, or aborted \
         them (which cuts the reply off). Graceful shutdown tells every connection to stop \
         (the broadcast: each stops at its next command) and waits for all of them: each \
         task holds a clone of a completion Sender and drops it when it ends; serve drops \
         its own and waits until recv() returns None."
    );

    // Now the busy client reads: the whole reply, then the end.
    let mut everything = String::new();
    no_hang(
        "the busy client reading its reply, then waiting for the server to close the \
         connection,",
        busy.read_to_string(&mut everything),
    )
    .await
    .expect("the busy client's connection failed");
    let expected = format!("VALUE {big}\n");
    assert_eq!(
        everything,
        expected,
        "the busy client asked for `GET big` before the shutdown and received {:?} ({} \
         bytes) before its connection closed, expected the whole reply ({} bytes). A \
         command that was read is answered in full: do not abort the connection tasks at \
         shutdown, tell them to stop (the broadcast) and wait for them.",
        everything,
        everything.len(),
        expected.len()
    );

    let mut rest = String::new();
    no_hang(
        "the idle client waiting for the server to close its connection after shutdown",
        idle.read_to_string(&mut rest),
    )
    .await
    .expect("the idle client's connection failed");
    assert_eq!(
        rest, "",
        "the idle client received {rest:?} after shutdown, expected nothing."
    );

    let returned = no_hang("serve (after the shutdown signal)", server)
        .await
        .expect("serve panicked");
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn serve_returns_the_error_when_accepting_fails_for_good() {
    let listener = ScriptedListener::new(&[], &EventLog::new());
    let watch = Stopwatch::start();
    let returned = until_it_gives_up(
        "serve on a listener whose accepts always fail",
        no_spin(
            "serve",
            serve(listener, Db::new(), 4, std::future::pending()),
        ),
    )
    .await;
    assert!(
        returned
            .as_ref()
            .is_err_and(|e| e.to_string() == "too many open files"),
        "serve on a listener whose accepts always fail returned {returned:?}, expected the \
         accept error (too many open files) once accept_with_backoff gives up."
    );
    watch.assert_elapsed(
        Duration::from_secs(127),
        "serve on a listener whose accepts always fail",
        "serve accepts with accept_with_backoff, which gives up at 127s (waits of 1, 2, 4, \
         ..., 64s), and then returns its error.",
    );
}

// ---------------------------------------------------------------------------
// End to end, on a real socket.

const END_TO_END_LIMIT: Duration = Duration::from_millis(1500);

/// Reads one reply line from a real connection, under the shared deadline.
async fn real_request(
    deadline: tokio::time::Instant,
    conn: &mut BufReader<TcpStream>,
    command: &str,
) -> String {
    let exchange = async {
        conn.write_all(format!("{command}\n").as_bytes()).await?;
        let mut line = String::new();
        conn.read_line(&mut line).await?;
        io::Result::Ok(line)
    };
    match tokio::time::timeout_at(deadline, exchange).await {
        Ok(Ok(line)) => line.trim_end_matches('\n').to_string(),
        Ok(Err(e)) => panic!("the connection failed while sending `{command}`: {e}"),
        Err(_) => panic!(
            "no reply to `{command}` within {} of real time (a correct server needs a few \
             milliseconds). Is serve accepting and spawning a task per connection, and is \
             every reply flushed?",
            fmt_duration(END_TO_END_LIMIT)
        ),
    }
}

// No paused clock here: real sockets need the real clock.
#[tokio::test]
async fn a_real_client_sets_and_gets_over_tcp() {
    let deadline = tokio::time::Instant::now() + END_TO_END_LIMIT;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test could not bind a listener on 127.0.0.1");
    let addr = listener.local_addr().expect("the listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, Db::new(), 8, async move {
        let _ = stopped.await;
    }));

    let connect = |who: &'static str| async move {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(conn)) => BufReader::new(conn),
            Ok(Err(e)) => panic!("{who} could not connect to serve's listener: {e}"),
            Err(_) => panic!("{who} could not connect within the time limit"),
        }
    };
    let mut alice = connect("alice").await;
    let mut bob = connect("bob").await;
    let replies = [
        real_request(deadline, &mut alice, "SET greeting hello").await,
        real_request(deadline, &mut bob, "GET greeting").await,
        real_request(deadline, &mut bob, "SET greeting bonjour").await,
        real_request(deadline, &mut alice, "GET greeting").await,
        real_request(deadline, &mut alice, "GET nobody").await,
    ];
    assert_eq!(
        replies,
        ["OK", "VALUE hello", "OK", "VALUE bonjour", "NIL"],
        "over TCP, alice: `SET greeting hello`, bob: `GET greeting`, bob: `SET greeting \
         bonjour`, alice: `GET greeting`, alice: `GET nobody` got the replies {replies:?}. \
         Both connections must share one Db."
    );

    stop.send(())
        .expect("serve dropped its shutdown future without waiting for it");
    let returned = match tokio::time::timeout_at(deadline, server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => panic!("serve panicked: {e}"),
        Err(_) => panic!(
            "serve did not return within {} of real time after the shutdown signal, with \
             two idle clients connected: the broadcast must stop idle connections, and \
             serve must wait for them on the completion channel (after dropping its own \
             Sender).",
            fmt_duration(END_TO_END_LIMIT)
        ),
    };
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    for (who, conn) in [("alice", &mut alice), ("bob", &mut bob)] {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout_at(deadline, conn.read_to_end(&mut rest)).await;
        assert!(
            matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
            "{who}'s connection was not closed by the time serve returned ({closed:?})."
        );
    }
    assert_no_leaked_tasks("serve returned").await;
}
