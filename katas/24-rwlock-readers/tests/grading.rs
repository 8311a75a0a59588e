//! Grading tests for kata 24: many readers, one writer.
//!
//! Every test runs on a paused clock: a health check takes exactly 1s of
//! virtual time, so how long each lookup takes tells whether it held the
//! lock side by side with the others (1s each, however many) or waited for
//! them. Lookups and writers run in spawned tasks sharing one
//! `Arc<Registry>`, as they would in a server, and arrive at odd moments;
//! names, addresses and moments come from fixed seeds, and a failure names
//! its seed and the command that replays it.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | a `Mutex` (or `write()` for lookups): lookups take turns | `concurrent_lookups_each_take_one_check` |
//! | the read guard released before the health check: a writer gets in mid-check, the lookup vouches for a replaced address | `a_writer_waits_for_the_readers_and_later_readers_wait_for_it` |
//! | the writer polls (`try_write` in a sleep loop, or a `yield_now` loop) instead of waiting on `write()` | `a_writer_waits_for_the_readers_and_later_readers_wait_for_it` |
//! | the writer gives up (`try_write` returning early) when lookups hold the lock | `a_writer_waits_for_the_readers_and_later_readers_wait_for_it` |
//! | a second `read()` while the first read guard is alive: with a writer waiting, the fair lock deadlocks | `a_writer_waits_for_the_readers_and_later_readers_wait_for_it` |
//! | `register` asks for the write lock while its own read guard is alive: it waits for itself | `register_adds_and_replaces_a_service` |
//! | `register` does more than insert (checks the new address) while holding the write lock | `register_adds_and_replaces_a_service` |
//! | `register` reads the previous address under one guard and inserts under another: two registers of one name both report the same previous address | `concurrent_registers_of_one_name_each_replace_the_last` |
//! | the address read under one read guard, the check run under a second one: a writer gets in between, the lookup vouches for a replaced address | `concurrent_registers_of_one_name_each_replace_the_last` |
//! | a lock per service: a register gets in while lookups of other services still check | `a_writer_waits_for_the_lookups_of_every_service` |
//! | one lock for the whole process (a `static` gate or map), not one per `Registry` | `two_registries_do_not_share_a_lock` |
//! | `register` gives up after a while (a `timeout` around `write()`) | `a_writer_behind_a_long_queue_still_gets_in` |
//! | `register` asks again after a while (a `timeout` around `write()` in a loop): each retry goes to the back of the queue | `a_writer_behind_a_long_queue_still_gets_in` |
//! | a health check for a name that is not registered | `a_lookup_of_an_unknown_service_is_none_at_once` |
//! | the check handed to a spawned task with an owned read guard: a caller that gives up leaves the lock held and a task running | `a_lookup_that_is_dropped_lets_the_writer_in` |
//! | a `std::sync::RwLock` guard held across the check: the future is not `Send` | `spawnable` (does not compile) |

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_24_rwlock_readers::Registry;
use kata_support::{
    EventLog, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin,
    within,
};
use tokio::time::{Instant, sleep};

/// What each call returned (what was called, the address it returned or
/// set), in the order they returned.
type Finished = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A health check, in virtual ms.
const CHECK: u64 = 1000;

/// `registry.register(name, addr)` when nobody else uses the registry: it
/// must not wait at all, and a register that waits for itself is explained.
async fn register_alone(registry: &Registry, name: &str, addr: &str) -> Option<String> {
    let guard = ms(60_000);
    match tokio::time::timeout(guard, registry.register(name, addr)).await {
        Ok(previous) => previous,
        Err(_) => panic!(
            "register({name:?}, {addr:?}) was still waiting for the lock after {} of virtual \
             time, although nobody else uses the registry. It is waiting for itself: a read \
             guard taken earlier in register (say, to check the current address) is still \
             alive when it asks for the write lock, and the write lock waits for every reader \
             to leave. Drop the read guard first (end its scope), or do everything with the \
             write guard.",
            fmt_duration(guard)
        ),
    }
}

/// A registry with `services` already registered.
async fn registry_with(services: &[(String, String)]) -> Arc<Registry> {
    let registry = Registry::new();
    for (name, addr) in services {
        register_alone(&registry, name, addr).await;
    }
    Arc::new(registry)
}

/// `count` different service names, shuffled.
fn names(rng: &mut Rng, count: usize) -> Vec<String> {
    let words = [
        "auth", "billing", "cart", "db", "email", "search", "queue", "cdn",
    ];
    let mut picked = BTreeSet::new();
    while picked.len() < count {
        let word = rng.pick(&words);
        picked.insert(if rng.chance(1, 3) {
            word.to_string()
        } else {
            format!("{word}-{}", rng.range(2, 99))
        });
    }
    let mut names: Vec<String> = picked.into_iter().collect();
    rng.shuffle(&mut names);
    names
}

fn address(rng: &mut Rng) -> String {
    format!(
        "10.{}.{}.{}:{}",
        rng.range(0, 255),
        rng.range(0, 255),
        rng.range(1, 254),
        rng.range(1024, 65535)
    )
}

#[tokio::test(start_paused = true)]
async fn concurrent_lookups_each_take_one_check() {
    for_each_seed(16, |mut rng| async move {
        let count = rng.range(3, 8) as usize;
        let services: Vec<(String, String)> = names(&mut rng, count)
            .into_iter()
            .map(|name| (name, address(&mut rng)))
            .collect();
        let registry = registry_with(&services).await;
        let jitter = Jitter::new(rng.next_u64());

        // Lookups of every service, some twice, arriving at odd moments
        // while the first checks are still running.
        let mut asked: Vec<usize> = (0..count).collect();
        asked.extend((0..rng.range(1, 4)).map(|_| rng.range(0, count as u64 - 1) as usize));
        rng.shuffle(&mut asked);
        // Every lookup holds the read lock for its own 1s check, side by
        // side with the others.
        let timeline = Timeline::start(format!("{} lookups arriving close together", asked.len()));
        let watch = Stopwatch::start();
        let lookups: Vec<_> = asked
            .iter()
            .map(|&n| {
                let arrives = if rng.chance(1, 3) {
                    0
                } else {
                    rng.odd_ms(1, 899)
                };
                let (registry, jitter) = (registry.clone(), jitter.clone());
                let name = services[n].0.clone();
                let bar = format!("lookup {name}");
                timeline.expect(bar.clone(), ms(arrives), ms(arrives + CHECK));
                let handle = tokio::spawn(async move {
                    sleep(ms(arrives)).await;
                    jitter.pause().await;
                    let found = timeline.span(bar, registry.lookup(&name)).await;
                    (found, watch.elapsed_ms())
                });
                (n, arrives, handle)
            })
            .collect();
        let mut report = String::new();
        let mut results = Vec::new();
        for (n, arrives, handle) in lookups {
            let (found, done) = no_hang("lookups spawned close together", handle)
                .await
                .expect("a spawned lookup panicked");
            report.push_str(&format!(
                "  lookup({:?}) at {arrives}ms returned at {done}ms\n",
                services[n].0
            ));
            results.push((n, arrives, found, done));
        }
        for (n, arrives, found, done) in results {
            let (name, addr) = &services[n];
            assert_eq!(
                found.as_deref(),
                Some(addr.as_str()),
                "lookup({name:?}) returned {found:?}, expected Some({addr:?})."
            );
            assert_eq!(
                done,
                arrives + CHECK,
                "lookup({name:?}), called at {arrives}ms while other lookups were checking, \
                 returned at {done}ms, expected {}ms: its own 1s health check and nothing else. \
                 Readers do not conflict, so they should all hold the lock at once and check in \
                 parallel. Later means it waited for other lookups: a Mutex, or `write()` used \
                 for reading, lets only one holder in at a time; a RwLock's `read()` lets them \
                 all in.\nAll the lookups:\n{report}",
                arrives + CHECK
            );
        }
        assert_no_leaked_tasks("every lookup finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_writer_waits_for_the_readers_and_later_readers_wait_for_it() {
    for_each_seed(24, |mut rng| async move {
        let name = names(&mut rng, 1).remove(0);
        let (old, new) = (address(&mut rng), address(&mut rng));
        let registry = registry_with(&[(name.clone(), old.clone())]).await;
        // The lookups and the register are drawn on the timeline as bars,
        // from when they ask for the lock to when they return: the log's
        // events would repeat them as ticks.
        let log = EventLog::undrawn();
        let jitter = Jitter::new(rng.next_u64());

        // Early readers arrive first; the writer arrives while all of them
        // are checking; late readers arrive after the writer, while the early
        // readers are still checking; last readers arrive after everything.
        let early: Vec<u64> = {
            let mut at: Vec<u64> = (0..rng.range(1, 4))
                .map(|_| if rng.chance(1, 3) { 0 } else { rng.odd_ms(1, 299) })
                .collect();
            at.sort();
            at
        };
        let first_done = early[0] + CHECK;
        let writer_at = rng.odd_ms(early[early.len() - 1] + 1, first_done - 90);
        let late: Vec<u64> = (0..rng.range(1, 3)).map(|_| rng.odd_ms(writer_at + 1, first_done - 1)).collect();
        let writer_done = early[early.len() - 1] + CHECK;
        let after = writer_done + CHECK + rng.odd_ms(1, 99);

        // The early readers check side by side; the writer waits for all of
        // them, writes at once, and the late readers queue behind it.
        let timeline = Timeline::start("readers and a writer on one registry");
        for (i, at) in early.iter().enumerate() {
            timeline.expect(format!("reader E{i}"), ms(*at), ms(at + CHECK));
        }
        timeline.expect("writer", ms(writer_at), ms(writer_done));
        for (i, at) in late.iter().enumerate() {
            timeline.expect(format!("reader L{i}"), ms(*at), ms(writer_done + CHECK));
        }
        timeline.expect("reader Z", ms(after), ms(after + CHECK));

        let reader = |label: String, at: u64| {
            let (registry, log, jitter, name) = (registry.clone(), log.clone(), jitter.clone(), name.clone());
            tokio::spawn(async move {
                sleep(ms(at)).await;
                jitter.pause().await;
                log.record(format!("reader {label} asks for {name}"));
                let what = format!("reader {label}'s lookup({name:?})");
                let lookup = timeline.span(format!("reader {label}"), registry.lookup(&name));
                let found = no_spin(&what, lookup).await;
                log.record(format!("reader {label} gets {found:?}"));
                found
            })
        };
        let wakeups = Wakeups::start();
        let early_tasks: Vec<_> = early.iter().enumerate().map(|(i, at)| (format!("E{i}"), *at, reader(format!("E{i}"), *at))).collect();
        let writer = {
            let (registry, log, jitter, name, new) = (registry.clone(), log.clone(), jitter.clone(), name.clone(), new.clone());
            tokio::spawn(async move {
                sleep(ms(writer_at)).await;
                jitter.pause().await;
                log.record(format!("writer asks to move {name} to {new}"));
                let what = format!("the writer's register({name:?}, ..)");
                let register = timeline.span("writer", registry.register(&name, &new));
                let previous = no_spin(&what, register).await;
                log.record(format!("writer done, {name} was at {previous:?}"));
                previous
            })
        };
        let late_tasks: Vec<_> = late.iter().enumerate().map(|(i, at)| (format!("L{i}"), *at, reader(format!("L{i}"), *at))).collect();
        let last = reader("Z".to_string(), after);

        let finish = |who: &'static str| {
            let log = log.clone();
            move |task: tokio::task::JoinHandle<Option<String>>| async move {
                match tokio::time::timeout(ms(60_000), task).await {
                    Ok(done) => done.unwrap_or_else(|e| panic!("{who}'s task panicked: {e}")),
                    Err(_) => panic!(
                        "{who} never finished: still waiting for the lock after 60s of virtual \
                         time, while readers and a writer used one registry. A deadlock: a \
                         lookup that asks for a second read guard while it still holds its \
                         first one waits behind the queued writer (tokio's RwLock is fair), \
                         and the writer waits for that first guard; or register asks for the \
                         write lock while it holds a read guard, and waits for itself. Take one \
                         guard per call.\nWhat happened so far:\n{log}"
                    ),
                }
            }
        };
        let mut early_found = Vec::new();
        for (label, at, task) in early_tasks {
            early_found.push((label, at, finish("a reader")(task).await));
        }
        let previous = finish("the writer")(writer).await;
        let mut late_found = Vec::new();
        for (label, at, task) in late_tasks {
            late_found.push((label, at, finish("a reader")(task).await));
        }
        let last_found = finish("a reader")(last).await;
        // The timers of this scenario: each arrival, each check; each may
        // cost ONE_TIMER wake-ups. A writer (or reader) that checks the lock
        // on a timer of its own wakes the runtime far more often.
        let timers = 2 * (early.len() + late.len() + 1) as u64 + 1;

        let events = log.events();
        let at = |prefix: &str| {
            events
                .iter()
                .find(|(_, event)| event.starts_with(prefix))
                .map(|(at, _)| *at)
                .unwrap_or_else(|| panic!("no event {prefix:?} in the log:\n{log}"))
        };
        let story = format!(
            "Readers E* look {name} up first (each health check holds the read lock for 1s); \
             the writer moves it at {writer_at}ms, while they check; readers L* arrive after \
             the writer, Z after everything.\nWhat happened:\n{log}"
        );
        let done = at("writer done");
        assert!(
            done >= writer_done,
            "the writer was done at {done}ms, while a reader was still checking the old address \
             (until {writer_done}ms). That reader then vouched for an address that had already \
             been replaced (or the registration was dropped). A lookup must keep its read guard \
             until its health check is done: check the address with the guard alive, instead \
             of copying the address out and releasing the lock first. And register must wait \
             for the write lock (`write().await`), not give up when it is busy.\n{story}"
        );
        assert_eq!(
            done, writer_done,
            "the writer was done at {done}ms, expected {writer_done}ms, the moment the last \
             reader before it finished its check. Later means it did not wait on the lock \
             itself but checked again on a timer (try_write in a sleep loop): `write().await` \
             wakes it exactly when the last read guard is dropped.\n{story}"
        );
        assert_eq!(previous.as_deref(), Some(old.as_str()), "the writer's register returned {previous:?}, expected the old address.\n{story}");
        for (label, arrived, found) in early_found {
            assert_eq!(found.as_deref(), Some(old.as_str()), "reader {label} (at {arrived}ms) got {found:?}, expected the old address {old:?}.\n{story}");
        }
        for (label, arrived, found) in late_found {
            let got = at(&format!("reader {label} gets"));
            assert_eq!(
                (found.as_deref(), got),
                (Some(new.as_str()), writer_done + CHECK),
                "reader {label} asked at {arrived}ms, after the writer, and got {found:?} at \
                 {got}ms; expected the new address {new:?} at {}ms. tokio's RwLock is fair: a \
                 reader that arrives while a writer waits queues behind it, then checks the new \
                 address (1s).\n{story}",
                writer_done + CHECK
            );
        }
        assert_eq!(last_found.as_deref(), Some(new.as_str()), "reader Z, after everything, got {last_found:?}, expected {new:?}.\n{story}");
        wakeups.assert_at_most(ONE_TIMER * timers, ms(after + CHECK), &format!("readers and a writer waited for the lock ({timers} timers of their own)"));
        assert_no_leaked_tasks("the readers and the writer finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_lookup_of_an_unknown_service_is_none_at_once() {
    for_each_seed(16, |mut rng| async move {
        let known: Vec<(String, String)> = names(&mut rng, 3).into_iter().map(|n| (n, address(&mut rng))).collect();
        let registry = registry_with(&known).await;
        let (name, _) = rng.pick(&known).clone();
        let unknown = [format!("{name}-2"), name.to_uppercase(), format!("x{name}"), name[..name.len() - 1].to_string()];
        for missing in unknown {
            if known.iter().any(|(n, _)| *n == missing) {
                continue;
            }
            let watch = Stopwatch::start();
            let found = no_hang(&format!("lookup({missing:?})"), registry.lookup(&missing)).await;
            assert_eq!(found, None, "lookup({missing:?}) of a service that was never registered returned {found:?} (registered: {known:?}).");
            watch.assert_elapsed(
                Duration::ZERO,
                &format!("lookup({missing:?}) of an unknown service"),
                "There is no address to check, so there is nothing to wait for: return None at \
                 once, without a health check.",
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn register_adds_and_replaces_a_service() {
    for_each_seed(16, |mut rng| async move {
        let registry = Registry::new();
        let names = names(&mut rng, 3);
        let mut model: BTreeMap<String, String> = BTreeMap::new();
        for _ in 0..rng.range(3, 8) {
            let name = rng.pick(&names).clone();
            // Sometimes the very same address again.
            let addr = match model.get(&name) {
                Some(current) if rng.chance(1, 4) => current.clone(),
                _ => address(&mut rng),
            };
            let expected = model.insert(name.clone(), addr.clone());
            let watch = Stopwatch::start();
            let previous = register_alone(&registry, &name, &addr).await;
            assert_eq!(
                previous, expected,
                "register({name:?}, {addr:?}) returned {previous:?}, expected {expected:?}: the \
                 previous address, if there was one."
            );
            watch.assert_elapsed(
                Duration::ZERO,
                &format!("register({name:?}, {addr:?}) with no lookup in progress"),
                "With nobody holding the lock, a registration takes no time: take the write \
                 lock, insert, done. Do not health-check (or wait for anything else) while \
                 holding the write lock: every lookup waits meanwhile.",
            );
        }
        for (name, addr) in &model {
            let found = no_hang("lookup", registry.lookup(name)).await;
            assert_eq!(
                found.as_deref(),
                Some(addr.as_str()),
                "after the registrations, lookup({name:?}) returned {found:?}."
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn concurrent_registers_of_one_name_each_replace_the_last() {
    for_each_seed(24, |mut rng| async move {
        let name = names(&mut rng, 1).remove(0);
        // Usually a known name, sometimes a new one (the first register to
        // get in then replaces nothing).
        let initial = if rng.chance(3, 4) {
            Some(address(&mut rng))
        } else {
            None
        };
        let mut services = Vec::new();
        if let Some(addr) = &initial {
            services.push((name.clone(), addr.clone()));
        }
        let registry = registry_with(&services).await;
        let jitter = Jitter::new(rng.next_u64());
        // What each call returned, in the order they returned: a lookup
        // holds its read guard from reading the address to the end of its
        // check, so no register can finish in between, and the address it
        // returns is the one set by the last register that finished before
        // it.
        let finished: Finished = Arc::default();
        // Distinct addresses, none equal to the initial one.
        let count = rng.range(3, 6) as usize;
        let mut addrs: Vec<String> = Vec::new();
        while addrs.len() < count {
            let addr = address(&mut rng);
            if Some(&addr) != initial.as_ref() && !addrs.contains(&addr) {
                addrs.push(addr);
            }
        }

        // Lookups hold read guards through their checks; the registers
        // arrive while they do (some at the same moment), and more lookups
        // arrive in between, so the writers queue up behind readers.
        let mut lookups = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let at = if rng.chance(1, 2) {
                0
            } else {
                rng.odd_ms(1, 199)
            };
            let (registry, jitter, name) = (registry.clone(), jitter.clone(), name.clone());
            let finished = finished.clone();
            lookups.push(tokio::spawn(async move {
                sleep(ms(at)).await;
                jitter.pause().await;
                let found = registry.lookup(&name).await;
                finished
                    .lock()
                    .unwrap()
                    .push((format!("lookup called at {at}ms"), found.clone()));
                found
            }));
        }
        let mut arrivals = Vec::new();
        let mut registers = Vec::new();
        for addr in &addrs {
            let at = if rng.chance(1, 3) {
                201
            } else {
                rng.odd_ms(202, 899)
            };
            arrivals.push(format!("  register({name:?}, {addr:?}) at {at}ms"));
            registers.push(tokio::spawn({
                let (registry, jitter, name, addr) =
                    (registry.clone(), jitter.clone(), name.clone(), addr.clone());
                let finished = finished.clone();
                async move {
                    sleep(ms(at)).await;
                    jitter.pause().await;
                    let what = format!("register({name:?}, {addr:?})");
                    let previous =
                        no_spin(&what, jitter.wrap(registry.register(&name, &addr))).await;
                    finished
                        .lock()
                        .unwrap()
                        .push((format!("{what} called at {at}ms"), Some(addr)));
                    previous
                }
            }));
            if rng.chance(1, 3) {
                let at = rng.odd_ms(202, 899);
                let (registry, jitter, name) = (registry.clone(), jitter.clone(), name.clone());
                let finished = finished.clone();
                lookups.push(tokio::spawn(async move {
                    sleep(ms(at)).await;
                    jitter.pause().await;
                    let found = registry.lookup(&name).await;
                    finished
                        .lock()
                        .unwrap()
                        .push((format!("lookup called at {at}ms"), found.clone()));
                    found
                }));
            }
        }
        let mut previous = Vec::new();
        for task in registers {
            previous.push(
                no_hang("registers of one name, while lookups check", task)
                    .await
                    .expect("a register panicked"),
            );
        }
        for task in lookups {
            no_hang("lookups while registers of one name wait", task)
                .await
                .expect("a lookup panicked");
        }
        let last = no_hang("lookup after the registers", registry.lookup(&name)).await;

        // Each register replaced the address the one before it set: follow
        // the chain from the initial address.
        let mut report: String = arrivals
            .iter()
            .zip(&previous)
            .map(|(call, prev)| format!("{call} returned {prev:?}\n"))
            .collect();
        report.push_str(&format!("  and a lookup afterwards returned {last:?}\n"));
        let mut current = initial.clone();
        let mut left: Vec<usize> = (0..count).collect();
        while let Some(at) = left.iter().position(|&i| previous[i] == current) {
            let i = left.remove(at);
            current = Some(addrs[i].clone());
        }
        assert!(
            left.is_empty() && last == current,
            "{name:?} was at {initial:?}; then {count} registers of that name ran while lookups \
             held the read lock:\n{report}Each register replaces the address the previous one \
             set, so the previous addresses returned must form a chain: one register reports \
             {initial:?}, the next one reports the first one's address, and so on, each address \
             reported once, and the last address set is the one nobody reports. Here two \
             registers reported the same previous address (or one that was not there). Read \
             the previous address and insert the new one under the same write guard \
             (`write().await.insert(..)` returns the previous value): a read guard first, then \
             a write guard, lets another register in between the two."
        );
        // Every lookup returned the address that was current while it
        // checked it.
        let finished = finished.lock().unwrap().clone();
        let mut current = initial.clone();
        let mut history = String::new();
        for (call, value) in &finished {
            if call.starts_with("register") {
                history.push_str(&format!(
                    "  {call} finished: {name:?} is now at {value:?}\n"
                ));
                current = value.clone();
            } else {
                history.push_str(&format!("  {call} returned {value:?}\n"));
                assert!(
                    *value == current,
                    "{name:?} was at {initial:?}; registers and lookups of it finished in this \
                     order:\n{history}The last lookup returned {value:?}, but {current:?} had \
                     replaced it before that lookup returned: it checked and vouched for a \
                     stale address. A lookup reads the address and runs its check under one \
                     read guard, so no register can replace it meanwhile. Reading it under \
                     one guard, dropping it and taking another read guard for the check lets a \
                     waiting writer in between the two."
                );
            }
        }
        assert_no_leaked_tasks("the registers and lookups finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_writer_waits_for_the_lookups_of_every_service() {
    for_each_seed(12, |mut rng| async move {
        // Lookups of other services check; a register of one more service
        // (already registered) arrives while they do. The registry has one
        // lock: the register waits for every lookup in progress, whichever
        // service it checks, and is done when the last of them is.
        let count = rng.range(2, 4) as usize;
        let names = names(&mut rng, count);
        let (target, others) = names.split_first().expect("names");
        let services: Vec<(String, String)> = names
            .iter()
            .map(|name| (name.clone(), address(&mut rng)))
            .collect();
        let registry = registry_with(&services).await;
        let mut arrivals: Vec<(String, u64)> = others
            .iter()
            .map(|name| (name.clone(), rng.odd_ms(1, 499)))
            .collect();
        arrivals.sort_by_key(|(_, at)| *at);
        let writer_at = rng.odd_ms(
            arrivals[arrivals.len() - 1].1 + 1,
            arrivals[0].1 + CHECK - 1,
        );
        let writer_done = arrivals[arrivals.len() - 1].1 + CHECK;
        let start = Instant::now();
        let lookups: Vec<_> = arrivals
            .iter()
            .map(|(name, at)| {
                let (registry, name, at) = (registry.clone(), name.clone(), *at);
                tokio::spawn(async move {
                    sleep(ms(at)).await;
                    registry.lookup(&name).await
                })
            })
            .collect();
        sleep(ms(writer_at)).await;
        let new = address(&mut rng);
        let what = format!("register({target:?}, ..)");
        let previous = no_hang(&what, no_spin(&what, registry.register(target, &new))).await;
        let done = (Instant::now() - start).as_millis() as u64;
        let story: Vec<String> = arrivals
            .iter()
            .map(|(name, at)| format!("lookup({name:?}) at {at}ms (checks until {}ms)", at + CHECK))
            .collect();
        assert_eq!(
            done,
            writer_done,
            "{}; then register({target:?}, ..) at {writer_at}ms. It was done at {done}ms, \
             expected {writer_done}ms, when the last of those lookups was done. The registry \
             has one lock for all its services: a register waits until no lookup holds it, \
             whichever service the lookup checks (a lock per service lets a writer in while \
             lookups of other services are still checking). Keep one \
             RwLock<HashMap<..>> in the Registry.",
            story.join(", ")
        );
        assert_eq!(
            previous.as_ref(),
            Some(&services[0].1),
            "{what} returned {previous:?}"
        );
        for (task, (name, _)) in lookups.into_iter().zip(&arrivals) {
            let found = no_hang("lookups of other services", task)
                .await
                .expect("a lookup panicked");
            let expected = services
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, a)| a.clone());
            assert_eq!(found, expected, "lookup({name:?}) returned {found:?}");
        }
        assert_no_leaked_tasks("the lookups and the register finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn two_registries_do_not_share_a_lock() {
    for_each_seed(8, |mut rng| async move {
        let names = names(&mut rng, 2);
        let (a_addr, b_addr, new_addr) = (address(&mut rng), address(&mut rng), address(&mut rng));
        let a = registry_with(&[(names[0].clone(), a_addr.clone())]).await;
        let b = registry_with(&[(names[1].clone(), b_addr.clone())]).await;
        // Lookups check in registry a; registry b is used meanwhile.
        let lookups: Vec<_> = (0..rng.range(1, 3))
            .map(|_| {
                let (a, name) = (a.clone(), names[0].clone());
                tokio::spawn(async move { a.lookup(&name).await })
            })
            .collect();
        let at = rng.odd_ms(1, 997);
        sleep(ms(at)).await;
        let watch = Stopwatch::start();
        let previous = no_hang(
            "register in a second registry while the first one's lookups check",
            b.register(&names[1], &new_addr),
        )
        .await;
        watch.assert_elapsed(
            Duration::ZERO,
            &format!(
                "register({:?}) in registry b, while lookups were checking in registry a",
                names[1]
            ),
            "Two registries are two separate things: a writer of one never waits for the \
             readers of another. Longer means they share a lock: a `static` (a global gate, a \
             global map) instead of a field of `Registry`.",
        );
        assert_eq!(
            previous,
            Some(b_addr.clone()),
            "register in registry b returned {previous:?}"
        );
        for task in lookups {
            let found = no_hang("lookups in registry a", task)
                .await
                .expect("a lookup panicked");
            assert_eq!(
                found,
                Some(a_addr.clone()),
                "a lookup in registry a returned {found:?}"
            );
        }
        let fresh = Registry::new();
        let found = no_hang("lookup in a new registry", fresh.lookup(&names[0])).await;
        assert_eq!(
            found, None,
            "lookup({:?}) in a new, empty registry returned {found:?}: it sees the services of \
             another registry. Each Registry keeps its own map (a field), not a `static`.",
            names[0]
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_writer_behind_a_long_queue_still_gets_in() {
    for_each_seed(4, |mut rng| async move {
        let name = names(&mut rng, 1).remove(0);
        let first = address(&mut rng);
        let registry = registry_with(&[(name.clone(), first.clone())]).await;
        // lookup, register, lookup, register, ... each arriving 1ms after
        // the one before: every register waits for the lookup before it,
        // which waited for the register before it, and so on: the last
        // one waits more than a minute. A register that times out and asks
        // again goes to the back of the queue, behind the lookup that came
        // after it, and gets in a check later than it should.
        let pairs = rng.range(62, 75);
        // Each lookup and each register waits for the one before it: the
        // queue moves one 1s check at a time.
        let timeline = Timeline::start(format!(
            "a queue of {pairs} lookups and {pairs} registers, 1ms apart"
        ));
        let mut registers = Vec::new();
        let mut addrs = vec![first.clone()];
        for k in 0..pairs {
            let done = 1 + (k + 1) * CHECK;
            timeline.expect(format!("lookup {k}"), ms(2 * k + 1), ms(done));
            timeline.expect(format!("register {k}"), ms(2 * k + 2), ms(done));
            let addr = format!("10.9.{k}.{}:80", rng.range(1, 250));
            addrs.push(addr.clone());
            let (r1, r2, n1, n2) = (
                registry.clone(),
                registry.clone(),
                name.clone(),
                name.clone(),
            );
            tokio::spawn(async move {
                sleep(ms(2 * k + 1)).await;
                timeline.span(format!("lookup {k}"), r1.lookup(&n1)).await
            });
            registers.push(tokio::spawn(async move {
                sleep(ms(2 * k + 2)).await;
                let previous = timeline
                    .span(format!("register {k}"), r2.register(&n2, &addr))
                    .await;
                (previous, Instant::now())
            }));
        }
        let start = Instant::now();
        for (k, task) in registers.into_iter().enumerate() {
            let (previous, done) = within(
                ms((pairs + 2) * CHECK),
                "a long queue of lookups and registers",
                task,
            )
            .await
            .expect("a register panicked");
            let waited = done.duration_since(start).as_millis() as u64;
            let expected = 1 + (k as u64 + 1) * CHECK;
            assert!(
                previous.as_ref() == Some(&addrs[k]) && waited == expected,
                "lookups and registers of {name:?} arrived one after the other (a lookup at 1ms, \
                 a register at 2ms, a lookup at 3ms, ...): register number {} must wait for \
                 the lookup before it, which waited for the register before it, and so on. It \
                 returned {previous:?} at {waited}ms, expected {:?} at {expected}ms. A register \
                 that gives up after a while (a timeout around write()) loses the registration; \
                 one that times out and asks again (a timeout around write() in a loop) leaves \
                 its place in the queue each time, and the lookups that arrived after it get \
                 in first. Wait on write() once, for as long as it takes.",
                k + 1,
                Some(&addrs[k])
            );
        }
        assert_no_leaked_tasks("the queue of lookups and registers finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_lookup_that_is_dropped_lets_the_writer_in() {
    for_each_seed(16, |mut rng| async move {
        let name = names(&mut rng, 1).remove(0);
        let (old, new) = (address(&mut rng), address(&mut rng));
        let registry = registry_with(&[(name.clone(), old.clone())]).await;

        // The caller of a lookup gives up in the middle of the check (a
        // timeout around lookup): its read guard must go with it.
        let gives_up = rng.odd_ms(1, CHECK - 1);
        let finished = cancel_after(ms(gives_up), registry.lookup(&name)).await;
        assert!(
            finished.is_none(),
            "lookup finished before its 1s health check could"
        );
        let watch = Stopwatch::start();
        let register = no_spin(
            "register after a lookup was dropped",
            registry.register(&name, &new),
        );
        let previous = tokio::time::timeout(ms(60_000), register).await;
        let waited = watch.elapsed();
        assert!(
            previous.is_ok() && waited.is_zero(),
            "a lookup({name:?}) was dropped {gives_up}ms into its health check (its caller \
             gave up), and then register({name:?}, ..) waited {} for the lock, expected 0ms: \
             nobody is looking anything up any more. Dropping the lookup's future must drop \
             its read guard: keep the guard in the lookup itself, not in a task it spawned.",
            fmt_duration(waited)
        );
        assert_nothing_left_running("a lookup was dropped mid-check", ms(60_000)).await;

        // A writer that gives up while waiting for readers does not hold up
        // readers that come later either.
        let reader = {
            let (registry, name) = (registry.clone(), name.clone());
            tokio::spawn(async move { registry.lookup(&name).await })
        };
        let gives_up = rng.odd_ms(1, CHECK - 11);
        sleep(ms(1)).await;
        let register = no_spin(
            "register while a lookup checks",
            registry.register(&name, &old),
        );
        let gave_up = cancel_after(ms(gives_up), register).await;
        assert!(
            gave_up.is_none(),
            "register did not wait for a reader that was checking"
        );
        let start = Instant::now();
        let found = no_hang("a lookup after a writer gave up", registry.lookup(&name)).await;
        let took = start.elapsed();
        assert_eq!(found.as_deref(), Some(new.as_str()));
        assert_eq!(
            took,
            ms(CHECK),
            "a lookup after a writer gave up waiting took {}",
            fmt_duration(took)
        );
        no_hang("the first reader", reader)
            .await
            .expect("a reader panicked");
        assert_no_leaked_tasks("every lookup finished").await;
    })
    .await;
}
