//! Kata 24: many readers, one writer.
//!
//! A service registry maps service names to addresses. Lookups are frequent
//! and slow: before handing out an address, `lookup` checks that the service
//! answers (`health_check`, 1 s of network I/O), and the address must not be
//! replaced while it is being checked, so the lookup keeps the registry
//! locked for reading during the check. Registrations are rare and quick.
//!
//! Build `Registry` on a `tokio::sync::RwLock`, so that any number of
//! lookups can check at the same time, while a registration waits for them
//! (and new lookups wait for the registration).
//!
//! Fill in the fields and the `todo!()`s. `health_check` is given: do not
//! change it. README.md explains why a RwLock, why tokio's, and what the
//! tests check.

use std::time::Duration;

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
    // TODO: the map from service names (String) to addresses (String),
    // behind a lock that many readers can hold at once, across an `.await`.
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        todo!("create the empty, locked map")
    }

    /// The address of service `name`, after checking that it answers.
    ///
    /// - Unknown name: `None` at once (nothing to check).
    /// - Known name: hold the read lock while `health_check(addr).await`
    ///   runs (1 s), then return `Some(addr)`: so the address returned is
    ///   still the registered one. Many lookups check at the same time.
    pub async fn lookup(&self, name: &str) -> Option<String> {
        let _ = name;
        todo!("read-lock, find the address, health_check it with the guard held")
    }

    /// Registers service `name` at `addr`, replacing (and returning) its
    /// previous address, if any. Waits until no lookup holds the lock.
    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let _ = (name, addr);
        todo!("write-lock and insert")
    }
}
