//! Right: an `Arc<RwLock<BTreeMap>>` field, the address cloned before the check while the guard stays alive until an explicit `drop`, and `register` written with `if let`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::RwLock;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

/// Service names and their addresses.
#[derive(Default)]
pub struct Registry {
    inner: Arc<RwLock<BTreeMap<String, String>>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry {
            inner: Arc::new(RwLock::new(BTreeMap::new())),
        }
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let guard = self.inner.read().await;
        let addr = guard.get(name).cloned()?;
        // The guard is still alive: nobody can replace `addr` meanwhile.
        health_check(&addr).await;
        drop(guard);
        Some(addr)
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let mut guard = self.inner.write().await;
        if let Some(old) = guard.get_mut(name) {
            return Some(std::mem::replace(old, addr.to_string()));
        }
        guard.insert(name.to_string(), addr.to_string());
        None
    }
}
