//! Grading tests for kata 24: many readers, one writer.
//!
//! Every test runs on a paused clock: a health check takes exactly 1s of
//! virtual time, so how long the lookups take tells whether they held the
//! lock side by side (1s for any number) or one after the other (1s each).
//! The lookups run in spawned tasks sharing one `Arc<Registry>`, as they
//! would in a server.

use std::sync::Arc;
use std::time::Duration;

use kata_24_rwlock_readers::Registry;
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, no_hang, EventLog, Stopwatch};
use tokio::time::sleep;

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
async fn registry_with(services: &[(&str, &str)]) -> Arc<Registry> {
    let registry = Registry::new();
    for (name, addr) in services {
        register_alone(&registry, name, addr).await;
    }
    Arc::new(registry)
}

#[tokio::test(start_paused = true)]
async fn five_concurrent_lookups_take_one_second() {
    let names = ["auth", "billing", "cart", "db", "email"];
    let services: Vec<(&str, String)> = names
        .iter()
        .enumerate()
        .map(|(n, name)| (*name, format!("10.0.0.{}", n + 1)))
        .collect();
    let pairs: Vec<(&str, &str)> = services.iter().map(|(n, a)| (*n, a.as_str())).collect();
    let registry = registry_with(&pairs).await;

    let watch = Stopwatch::start();
    let lookups: Vec<_> = names
        .into_iter()
        .map(|name| {
            let registry = registry.clone();
            tokio::spawn(async move { registry.lookup(name).await })
        })
        .collect();
    for ((name, addr), lookup) in services.iter().zip(lookups) {
        let found = no_hang("five lookups spawned at the same time", lookup)
            .await
            .expect("a spawned lookup panicked");
        assert_eq!(
            found.as_deref(),
            Some(addr.as_str()),
            "lookup({name:?}) returned {found:?}, expected Some({addr:?})."
        );
    }
    watch.assert_elapsed(
        Duration::from_secs(1),
        "five lookups (of five services, 1s health check each) spawned at the same time",
        "Readers do not conflict, so all five should hold the lock at once and check in \
         parallel: 1s. 5s means they took turns: a Mutex, or `write()` used for reading, \
         lets only one holder in at a time. A RwLock's `read()` lets them all in.",
    );
    assert_no_leaked_tasks("every lookup finished").await;
}

#[tokio::test(start_paused = true)]
async fn a_writer_waits_for_the_readers_and_later_readers_wait_for_it() {
    let registry = registry_with(&[("db", "10.0.0.1")]).await;
    let log = EventLog::new();

    let reader = |label: &'static str, start_ms: u64| {
        let registry = registry.clone();
        let log = log.clone();
        tokio::spawn(async move {
            sleep(ms(start_ms)).await;
            log.record(format!("reader {label} asks for db"));
            let found = registry.lookup("db").await;
            log.record(format!("reader {label} gets {found:?}"));
        })
    };
    // Readers A and B start at 0ms and hold the lock until 1000ms. The
    // writer arrives at 500ms, in the middle of their health checks; reader C
    // arrives at 600ms, while the writer is waiting.
    let a = reader("A", 0);
    let b = reader("B", 0);
    let writer = {
        let registry = registry.clone();
        let log = log.clone();
        tokio::spawn(async move {
            sleep(ms(500)).await;
            log.record("writer asks to move db to 10.0.0.2");
            let previous = registry.register("db", "10.0.0.2").await;
            log.record(format!("writer done, db was at {previous:?}"));
        })
    };
    let c = reader("C", 600);

    for (who, task) in [
        ("reader A", a),
        ("reader B", b),
        ("the writer", writer),
        ("reader C", c),
    ] {
        no_hang(
            &format!("{who} (readers A, B, C and a writer on one registry)"),
            task,
        )
        .await
        .unwrap_or_else(|e| panic!("{who}'s task panicked: {e}"));
    }

    let events = log.events();
    let at = |prefix: &str| {
        events
            .iter()
            .find(|(_, event)| event.starts_with(prefix))
            .map(|(at, _)| *at)
            .unwrap_or_else(|| panic!("no event {prefix:?} in the log:\n{log}"))
    };
    let writer_done = at("writer done");
    assert!(
        writer_done >= 1000,
        "the writer (register at 500ms) was done at {writer_done}ms, while readers A and B \
         were still checking db's old address (until 1000ms). They then returned an address \
         that had already been replaced.\nA lookup must keep its read guard until its health \
         check is done: take the address and check it with the guard alive, instead of \
         copying the address out and releasing the lock first.\n\nWhat happened:\n{log}"
    );
    let c_done = at("reader C gets");
    assert!(
        c_done == 2000,
        "reader C (lookup at 600ms) was done at {c_done}ms, expected 2000ms: it arrived after \
         the writer, so it waits for the writer (done at 1000ms), then checks the new \
         address (1s).\n\nWhat happened:\n{log}"
    );
    insta::with_settings!({
        description => "Readers A and B look up db at 0ms (the health check holds the read \
            lock for 1s); a writer moves db at 500ms; reader C looks it up at 600ms. The \
            writer waits for A and B; tokio's RwLock is fair, so C, arriving after the \
            writer, waits for it too, and gets the new address.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("writer_arrives_mid_read", log.to_string());
    });
    assert_no_leaked_tasks("the readers and the writer finished").await;
}

#[tokio::test(start_paused = true)]
async fn a_lookup_of_an_unknown_service_is_none_at_once() {
    let registry = registry_with(&[("db", "10.0.0.1")]).await;
    let watch = Stopwatch::start();
    let found = no_hang("lookup(\"nope\")", registry.lookup("nope")).await;
    assert_eq!(
        found, None,
        "lookup(\"nope\") of a service that was never registered returned {found:?}."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "lookup(\"nope\") of an unknown service",
        "There is no address to check, so there is nothing to wait for: return None at once, \
         without a health check.",
    );
}

#[tokio::test(start_paused = true)]
async fn register_adds_and_replaces_a_service() {
    let registry = Registry::new();
    let steps = [
        ("10.0.0.1", None, "a new service"),
        (
            "10.0.0.2",
            Some("10.0.0.1"),
            "a service that is already registered",
        ),
    ];
    for (addr, expected, what) in steps {
        let watch = Stopwatch::start();
        let previous = register_alone(&registry, "db", addr).await;
        assert_eq!(
            previous.as_deref(),
            expected,
            "register(\"db\", {addr:?}), {what}, returned {previous:?}, expected {expected:?}: \
             the previous address, if there was one."
        );
        watch.assert_elapsed(
            Duration::ZERO,
            &format!("register(\"db\", {addr:?}) with no lookup in progress"),
            "With nobody holding the lock, a registration takes no time.",
        );
    }
    let found = no_hang("lookup(\"db\")", registry.lookup("db")).await;
    assert_eq!(
        found.as_deref(),
        Some("10.0.0.2"),
        "after registering db at 10.0.0.1 and then at 10.0.0.2, lookup(\"db\") returned \
         {found:?}."
    );
}
