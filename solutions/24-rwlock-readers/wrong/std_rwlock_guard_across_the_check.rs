//! Wrong: uses std::sync::RwLock and holds its read guard across the health check's `.await`, so `lookup`'s future is not `Send` and cannot run in `tokio::spawn` (and a waiting writer would block the thread).
//! Caught by: spawnable
//!
//! `tests/spawnable.rs` (and `tests/grading.rs`) spawn lookups: they fail to
//! compile, and rustc points at the guard and the `.await` it is held across.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

#[derive(Default)]
pub struct Registry {
    services: RwLock<HashMap<String, String>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        // WRONG: a std guard, alive across `.await`: not `Send`.
        let services = self.services.read().unwrap();
        let addr = services.get(name)?;
        health_check(addr).await;
        Some(addr.clone())
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .unwrap()
            .insert(name.to_string(), addr.to_string())
    }
}
