//! Grading tests for kata 36: what `Remote` and `serve` do.
//!
//! Every test runs on tokio's paused clock, so a latency of 317ms takes
//! exactly 317ms of virtual time and "were these requests served at the
//! same time?" is a question about exact reply times. Latencies, send times,
//! keys and values come from fixed seeds and are irregular; a failing case
//! prints its seed and the command that replays it.
//!
//! These tests only use the kata's own types (`MemoryStorage`, `Remote`,
//! `serve`), never a `Storage` of their own, so they compile whatever shape
//! your trait's methods have: they grade behaviour. Whether generic code
//! can spawn calls to your trait is graded by `tests/compile_checks.rs`.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | the trait's `async fn` left as is (its futures are not known to be `Send`), with `serve` built on `spawn_local` to get around it | `compile_checks` |
//! | futures that must be `'static` (`impl Future + Send + 'static`): an `async fn` borrowing `&self` cannot implement the trait | `compile_checks` |
//! | boxed futures in the trait (`Pin<Box<dyn Future + Send + '_>>`): an `async fn` cannot implement it | `compile_checks` |
//! | `Remote` skips its latency in one of its methods | `remote_waits_its_latency_before_every_call` |
//! | `Remote` reads (or writes) first and waits afterwards, so the call takes effect before it arrives | `a_remote_call_takes_effect_when_it_arrives` |
//! | `serve` handles each request itself, one after the other, instead of in a task of its own | `requests_are_served_at_the_same_time` |
//! | `serve` returns when the channel closes, leaving its tasks running | `serve_returns_once_every_request_is_done`, `dropping_serve_stops_every_request` |
//! | `serve` aborts the requests still running when the channel closes | `serve_returns_once_every_request_is_done` |
//! | `serve` answers a `Put` before the value is stored ("so the client does not wait") | `serve_answers_every_request` |
//! | `serve` unwraps the reply (`reply.send(..).unwrap()`): a requester that gave up makes a task, and `serve`, panic | `a_requester_that_gave_up_is_not_an_error` |
//! | `serve` keeps `JoinHandle`s in a `Vec`: when the caller drops `serve`, its tasks run on | `dropping_serve_stops_every_request` |
//! | `serve` polls its channel (`try_recv` and a short sleep) instead of awaiting `recv()` | `serve_waits_for_requests_without_waking_up` |

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::join_all;
use kata_36_async_fn_in_traits::{MemoryStorage, Remote, Request, Storage, serve};
use kata_support::{
    Jitter, ONE_TIMER, Rng, Stopwatch, Wakeups, assert_nothing_left_running, cancel_after,
    fmt_duration, for_each_seed, ms, no_hang, no_spin,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep};

/// Sends a `Get` and waits for its reply.
async fn get(requests: &mpsc::Sender<Request>, key: &str) -> Option<String> {
    let (reply, answer) = oneshot::channel();
    send(
        requests,
        Request::Get {
            key: key.to_string(),
            reply,
        },
    )
    .await;
    answer.await.unwrap_or_else(|_| {
        panic!(
            "serve dropped the Get of {key:?} without replying: every request gets its reply \
             (did a task stop before it sent it, or was it aborted?)"
        )
    })
}

/// Sends a `Put` and waits for its reply.
async fn put(requests: &mpsc::Sender<Request>, key: &str, value: &str) {
    let (reply, answer) = oneshot::channel();
    send(
        requests,
        Request::Put {
            key: key.to_string(),
            value: value.to_string(),
            reply,
        },
    )
    .await;
    answer.await.unwrap_or_else(|_| {
        panic!(
            "serve dropped the Put of {key:?} without replying: every request gets its reply \
             (did a task stop before it sent it, or was it aborted?)"
        )
    })
}

async fn send(requests: &mpsc::Sender<Request>, request: Request) {
    if requests.send(request).await.is_err() {
        panic!(
            "serve stopped taking requests (its Receiver was dropped) while the channel was \
             still open: serve reads requests until recv() returns None."
        );
    }
}

fn remote(latency: u64) -> Arc<Remote<MemoryStorage>> {
    Arc::new(Remote::new(MemoryStorage::new(), ms(latency)))
}

// ---------------------------------------------------------------- Remote

#[tokio::test(start_paused = true)]
async fn remote_waits_its_latency_before_every_call() {
    for_each_seed(16, |mut rng| async move {
        let latency = rng.odd_ms(1, 2000);
        let storage = Remote::new(MemoryStorage::new(), ms(latency));
        let key = format!("key-{}", rng.below(1000));
        let value = format!("value-{}", rng.below(1000));
        let waits = format!(
            "Every call of a Remote travels for its latency ({latency}ms) first, then runs on \
             the inner storage: sleep(latency) with tokio's clock in get and in put, once each."
        );

        let watch = Stopwatch::start();
        let missing = no_hang("Remote::get", storage.get(&key)).await;
        watch.assert_elapsed(ms(latency), &format!("Remote::get({key:?})"), &waits);
        assert_eq!(
            missing, None,
            "Remote::get({key:?}) of an empty storage returned {missing:?}."
        );

        let watch = Stopwatch::start();
        no_hang("Remote::put", storage.put(&key, value.clone())).await;
        watch.assert_elapsed(ms(latency), &format!("Remote::put({key:?}, ..)"), &waits);

        let watch = Stopwatch::start();
        let found = no_hang("Remote::get", storage.get(&key)).await;
        watch.assert_elapsed(ms(latency), &format!("Remote::get({key:?})"), &waits);
        assert_eq!(
            found,
            Some(value.clone()),
            "Remote::get({key:?}) after a put of {value:?} returned {found:?}: the inner \
             storage holds what was put."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_remote_call_takes_effect_when_it_arrives() {
    for_each_seed(16, |mut rng| async move {
        let latency = rng.odd_ms(10, 2000);
        let later = rng.odd_ms(1, latency - 1);
        let storage = Remote::new(MemoryStorage::new(), ms(latency));
        storage.put("config", "old".to_string()).await;

        // The put leaves first and arrives first.
        let (_, read) = tokio::join!(storage.put("config", "new".to_string()), async {
            sleep(ms(later)).await;
            storage.get("config").await
        });
        assert_eq!(
            read.as_deref(),
            Some("new"),
            "A put of \"new\" left at 0ms and a get {later}ms later, through a Remote with a \
             latency of {latency}ms: the put arrives at {latency}ms, the get at {}ms, so the get \
             must see \"new\"; it returned {read:?}. A call takes effect when it arrives: wait \
             the latency first, then call the inner storage (reading first and waiting \
             afterwards returns what was there when the call left).",
            later + latency
        );

        // The get leaves first and arrives first.
        let (read, _) = tokio::join!(storage.get("config"), async {
            sleep(ms(later)).await;
            storage.put("config", "newer".to_string()).await
        });
        assert_eq!(
            read.as_deref(),
            Some("new"),
            "A get left at 0ms and a put of \"newer\" {later}ms later, through a Remote with a \
             latency of {latency}ms: the get arrives at {latency}ms, before the put (at {}ms), so \
             it must see \"new\"; it returned {read:?}. A call takes effect when it arrives: \
             wait the latency first, then call the inner storage (writing first and waiting \
             afterwards stores the value before it arrives).",
            later + latency
        );
    })
    .await;
}

// ---------------------------------------------------------------- serve

/// A client that sends requests one after the other, each after the reply
/// to the previous one, on keys of its own, and checks every reply.
async fn client(
    requests: mpsc::Sender<Request>,
    storage: Arc<Remote<MemoryStorage>>,
    name: String,
    steps: Vec<(bool, usize, u32)>,
    jitter: Jitter,
) -> usize {
    let mut model: HashMap<String, String> = HashMap::new();
    for (is_put, key, value) in &steps {
        jitter.pause().await;
        let key = format!("{name}/{key}");
        if *is_put {
            let value = format!("{value}");
            put(&requests, &key, &value).await;
            let stored = storage.inner().get(&key).await;
            assert_eq!(
                stored.as_deref(),
                Some(value.as_str()),
                "the Put of {key:?} was answered, but the storage behind serve holds {stored:?} \
                 there: a Put's reply means \"stored\". Reply after `put(..).await` has \
                 finished, not before."
            );
            model.insert(key, value);
        } else {
            let got = get(&requests, &key).await;
            let expected = model.get(&key).cloned();
            assert_eq!(
                got, expected,
                "the Get of {key:?} returned {got:?}, expected {expected:?} (the last value \
                 this client put there, and got a reply for): requests go to the storage \
                 given to serve."
            );
        }
    }
    steps.len()
}

fn steps(rng: &mut Rng) -> Vec<(bool, usize, u32)> {
    (0..rng.range(1, 8))
        .map(|_| {
            (
                rng.chance(1, 2),
                rng.below(3) as usize,
                rng.below(1000) as u32,
            )
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn serve_answers_every_request() {
    for_each_seed(16, |mut rng| async move {
        let latency = if rng.chance(1, 2) {
            0
        } else {
            rng.odd_ms(1, 500)
        };
        let clients = rng.range(1, 5) as usize;
        let (requests, incoming) = mpsc::channel(rng.range(1, 8) as usize);
        let jitter = Jitter::new(rng.next_u64());
        let storage = remote(latency);
        let runs: Vec<_> = (0..clients)
            .map(|i| {
                client(
                    requests.clone(),
                    storage.clone(),
                    format!("client{i}"),
                    steps(&mut rng),
                    jitter.clone(),
                )
            })
            .collect();
        drop(requests);
        let what = format!(
            "serve(a Remote with a latency of {latency}ms, requests from {clients} clients)"
        );
        let (served, sent) = no_hang(
            &what,
            no_spin(&what, async {
                tokio::join!(serve(storage, incoming), join_all(runs))
            }),
        )
        .await;
        let sent: usize = sent.iter().sum();
        assert_eq!(
            served, sent,
            "{what} returned {served}, expected {sent}: the number of requests it served."
        );
        assert_nothing_left_running(&format!("{what} returned"), ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn requests_are_served_at_the_same_time() {
    for_each_seed(16, |mut rng| async move {
        let latency = rng.odd_ms(100, 2000);
        let n = rng.range(2, 8) as usize;
        // Some requests leave at the same instant, the others a little
        // later, all before the first reply.
        let sent_at: Vec<u64> = (0..n)
            .map(|_| {
                if rng.chance(1, 3) {
                    0
                } else {
                    rng.odd_ms(1, latency - 1)
                }
            })
            .collect();
        let storage = remote(latency);
        let (requests, incoming) = mpsc::channel(n);
        let start = Instant::now();
        let clients: Vec<_> = sent_at
            .iter()
            .enumerate()
            .map(|(i, &at)| {
                let requests = requests.clone();
                async move {
                    sleep(ms(at)).await;
                    let key = format!("k{i}");
                    if i % 2 == 0 {
                        put(&requests, &key, "v").await;
                    } else {
                        get(&requests, &key).await;
                    }
                    (Instant::now() - start).as_millis() as u64
                }
            })
            .collect();
        drop(requests);
        let what = format!(
            "serve(a Remote with a latency of {latency}ms, requests sent at {sent_at:?} ms)"
        );
        let (served, replied_at) = no_hang(&what, async {
            tokio::join!(
                async {
                    let served = serve(storage, incoming).await;
                    (served, (Instant::now() - start).as_millis() as u64)
                },
                join_all(clients)
            )
        })
        .await;
        let expected: Vec<u64> = sent_at.iter().map(|at| at + latency).collect();
        assert_eq!(
            replied_at, expected,
            "{what}: the replies came at {replied_at:?} ms, expected {expected:?} ms (each \
             request's send time plus one latency). Each request must run in a task of its \
             own, so that a request never waits for the one before it: if the replies come \
             one latency apart, serve awaits each request itself before it reads the next."
        );
        let last = expected.iter().copied().max().unwrap_or(0);
        let (served, returned_at) = served;
        assert_eq!(served, n, "{what} returned {served}, expected {n}.");
        assert_eq!(
            returned_at, last,
            "{what} returned at {returned_at}ms, expected {last}ms: when the last request is \
             done (the channel closed long before)."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn serve_returns_once_every_request_is_done() {
    for_each_seed(16, |mut rng| async move {
        let latency = rng.odd_ms(1, 3000);
        let n = rng.range(1, 9) as usize;
        let storage = remote(latency);
        let (requests, incoming) = mpsc::channel(n);
        let mut answers = Vec::new();
        for i in 0..n {
            let (reply, answer) = oneshot::channel();
            requests
                .try_send(Request::Put {
                    key: format!("k{i}"),
                    value: format!("v{i}"),
                    reply,
                })
                .expect("the channel has room");
            answers.push(answer);
        }
        // Closed at once: every request is queued, none has started.
        drop(requests);
        let what = format!(
            "serve(a Remote with a latency of {latency}ms, {n} puts queued and the channel \
             closed)"
        );
        let watch = Stopwatch::start();
        let served = no_hang(&what, serve(storage.clone(), incoming)).await;
        watch.assert_elapsed(
            ms(latency),
            &what,
            "serve returns once the channel is closed *and* every request it took has finished: \
             here, when the puts are done, one latency after they started together. Returning \
             at once leaves the requests running in tasks nobody waits for; taking longer \
             means they ran one after the other.",
        );
        assert_eq!(served, n, "{what} returned {served}, expected {n}.");
        for (i, answer) in answers.into_iter().enumerate() {
            assert!(
                answer.await.is_ok(),
                "{what}: the put of k{i} got no reply. A request that serve has taken must \
                 finish, even when the channel closes meanwhile: wait for the tasks (a \
                 JoinSet's join_next), do not abort them."
            );
            let value = storage.get(&format!("k{i}")).await;
            assert_eq!(
                value,
                Some(format!("v{i}")),
                "{what}: k{i} holds {value:?}."
            );
        }
        assert_nothing_left_running(&format!("{what} returned"), ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_requester_that_gave_up_is_not_an_error() {
    for_each_seed(8, |mut rng| async move {
        let latency = rng.odd_ms(1, 900);
        let storage = remote(latency);
        let (requests, incoming) = mpsc::channel(8);
        let gives_up_on_get = rng.chance(1, 2);
        let what = format!(
            "serve(a Remote with a latency of {latency}ms), whose requesters drop their reply \
             receivers before the reply"
        );
        let (served, ()) = no_hang(&what, async {
            tokio::join!(serve(storage.clone(), incoming), async {
                // Requesters that give up at once: their receivers are dropped.
                let (reply, answer) = oneshot::channel();
                send(
                    &requests,
                    Request::Put {
                        key: "kept".to_string(),
                        value: "even so".to_string(),
                        reply,
                    },
                )
                .await;
                drop(answer);
                if gives_up_on_get {
                    let (reply, answer) = oneshot::channel();
                    send(
                        &requests,
                        Request::Get {
                            key: "kept".to_string(),
                            reply,
                        },
                    )
                    .await;
                    drop(answer);
                }
                sleep(ms(latency + 1)).await;
                let value = get(&requests, "kept").await;
                assert_eq!(
                    value.as_deref(),
                    Some("even so"),
                    "{what}: a put whose requester gave up must still be carried out."
                );
                drop(requests);
            })
        })
        .await;
        let expected = if gives_up_on_get { 3 } else { 2 };
        assert_eq!(
            served, expected,
            "{what} returned {served}, expected {expected}: a request whose requester gave up \
             is still served (and counted). Its reply has nowhere to go: ignore the result of \
             reply.send(..) instead of unwrapping it."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_serve_stops_every_request() {
    for_each_seed(8, |mut rng| async move {
        let latency = rng.odd_ms(100, 3000);
        let gives_up = rng.odd_ms(1, latency - 1);
        let n = rng.range(1, 6) as usize;
        let storage = remote(latency);
        let (requests, incoming) = mpsc::channel(n);
        let mut answers = Vec::new();
        for i in 0..n {
            let (reply, answer) = oneshot::channel();
            requests
                .try_send(Request::Put {
                    key: format!("k{i}"),
                    value: format!("v{i}"),
                    reply,
                })
                .expect("the channel has room");
            answers.push(answer);
        }
        let what = format!(
            "serve(a Remote with a latency of {latency}ms, {n} puts), whose caller gives up \
             after {gives_up}ms"
        );
        let output = cancel_after(ms(gives_up), serve(storage.clone(), incoming)).await;
        assert!(
            output.is_none(),
            "{what}: serve returned {output:?} with the channel still open."
        );
        assert_nothing_left_running(&format!("{what} (serve's future was dropped)"), ms(60_000))
            .await;
        for (i, answer) in answers.into_iter().enumerate() {
            assert!(
                answer.await.is_err(),
                "{what}: the put of k{i} was still answered after serve's future was dropped."
            );
            let value = storage.get(&format!("k{i}")).await;
            assert_eq!(
                value, None,
                "{what}: k{i} was stored after serve's future was dropped. The requests serve \
                 started stop with it: a JoinSet aborts its tasks when it is dropped, a \
                 JoinHandle does not."
            );
        }
        drop(requests);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn serve_waits_for_requests_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let quiet = rng.odd_ms(20_000, 50_000);
        let storage = remote(0);
        let (requests, incoming) = mpsc::channel(1);
        let what = format!("serve, with no request for {}", fmt_duration(ms(quiet)));
        let (served, ()) = no_hang(&what, async {
            tokio::join!(serve(storage, incoming), async {
                let wakeups = Wakeups::start();
                sleep(ms(quiet)).await;
                wakeups.assert_at_most(ONE_TIMER, ms(quiet), &format!("{what} was waiting"));
                put(&requests, "late", "but served").await;
                assert_eq!(get(&requests, "late").await.as_deref(), Some("but served"));
                drop(requests);
            })
        })
        .await;
        assert_eq!(
            served, 2,
            "{what}, then a put and a get, returned {served}."
        );
    })
    .await;
}
