//! Wrong: the lock is a process-wide `static` gate (`tokio::sync::RwLock<()>`) and each registry keeps only its map in a std mutex, so every `Registry` in the process shares one lock: a writer of one registry waits for the lookups of another (and later readers of the first queue behind it).
//! Caught by: two_registries_do_not_share_a_lock

use std::time::Duration;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::RwLock;

/// Lookups hold it for reading while they check, registrations for writing.
static GATE: RwLock<()> = RwLock::const_new(());

/// Service names and their addresses, shared by many tasks.
#[derive(Default)]
pub struct Registry {
    services: Mutex<HashMap<String, String>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The address of service `name`, after checking that it answers.
    pub async fn lookup(&self, name: &str) -> Option<String> {
        let _reading = GATE.read().await;
        let addr = self.services.lock().unwrap().get(name).cloned()?;
        health_check(&addr).await;
        Some(addr)
    }

    /// Registers service `name` at `addr`, replacing (and returning) its
    /// previous address, if any. Waits until no lookup holds the lock.
    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let _writing = GATE.write().await;
        self.services
            .lock()
            .unwrap()
            .insert(name.to_string(), addr.to_string())
    }
}
