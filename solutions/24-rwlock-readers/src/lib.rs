//! Kata 24: many readers, one writer (reference solution).
//!
//! Two decisions, each with a reason:
//!
//! - A *read-write* lock, because almost every access is a read, and reads
//!   do not conflict with each other: five lookups can check their addresses
//!   at the same time. Only a registration needs the map to itself.
//! - *Tokio's* `RwLock`, because a lookup holds its guard across an
//!   `.await` (the health check) on purpose: the check is only meaningful if
//!   the address cannot be replaced until it is done. A `std::sync` guard
//!   held across an `.await` would block the thread for anyone waiting for
//!   the lock, and is not `Send`; a tokio guard makes waiters yield instead.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::RwLock;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

/// Service names and their addresses, shared by many tasks.
#[derive(Default)]
pub struct Registry {
    // Many readers at once, or one writer alone. Tokio's RwLock is fair
    // (FIFO): once a writer is waiting, new readers queue behind it, so a
    // steady stream of lookups can never starve a registration.
    services: RwLock<HashMap<String, String>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The address of service `name`, after checking that it answers.
    pub async fn lookup(&self, name: &str) -> Option<String> {
        // A shared (read) guard: other lookups get theirs at the same time,
        // a registration waits until every read guard is gone.
        let services = self.services.read().await;
        // Unknown name: return at once (the guard is dropped on return).
        let addr = services.get(name)?;

        // Held across this `.await` on purpose: while we check `addr`, no
        // writer can replace it, so the address we return is the one we
        // checked and still the registered one. Releasing the guard before
        // the check (copying the address out first) would let `register`
        // run in the middle, and we would hand out a replaced address.
        health_check(addr).await;
        Some(addr.clone())
        // `services` is dropped here: the read lock is released.
    }

    /// Registers service `name` at `addr`, replacing (and returning) its
    /// previous address, if any.
    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        // An exclusive (write) guard: waits until every lookup in progress
        // is done, and lookups that arrive meanwhile wait behind it. The
        // guard is a temporary, released at the end of the statement; the
        // write itself involves no `.await`.
        //
        // Do not check the map with `read()` first and then call `write()`
        // while that read guard is alive: the writer would wait for a reader
        // that is itself, forever.
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
