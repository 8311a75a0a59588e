//! Wrong: `register` loops on `try_write()` with `yield_now()` in between until the readers are gone, instead of waiting on `write()`: it never waits, keeps the thread busy, and on a paused clock time cannot even move on, so the readers' checks never end.
//! Caught by: a_writer_waits_for_the_readers_and_later_readers_wait_for_it

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

#[derive(Default)]
pub struct Registry {
    services: RwLock<HashMap<String, String>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let services = self.services.read().await;
        let addr = services.get(name)?;
        health_check(addr).await;
        Some(addr.clone())
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        loop {
            match self.services.try_write() {
                Ok(mut services) => return services.insert(name.to_string(), addr.to_string()),
                // WRONG: let the readers finish, then try again.
                Err(_) => tokio::task::yield_now().await,
            }
        }
    }
}
