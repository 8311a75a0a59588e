//! Right: `match` on the lookup with the read guard alive through the check, and a `{ ... }` block that scopes the write guard in `register`.

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

/// Service names and their addresses.
pub struct Registry {
    by_name: RwLock<HashMap<String, String>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    pub fn new() -> Registry {
        Registry {
            by_name: RwLock::new(HashMap::new()),
        }
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let by_name = self.by_name.read().await;
        match by_name.get(name) {
            None => None,
            Some(addr) => {
                health_check(addr).await;
                Some(addr.to_owned())
            }
        }
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let previous = {
            let mut by_name = self.by_name.write().await;
            by_name.insert(name.to_owned(), addr.to_owned())
        };
        previous
    }
}
