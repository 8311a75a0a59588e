//! Wrong: a lock per service (an outer `RwLock<HashMap<String, Arc<RwLock<String>>>>`, released once the entry is found): a register of one service waits only for the lookups of that service, and gets in while lookups of other services are still checking, although the registry is to have one lock.
//! Caught by: a_writer_waits_for_the_lookups_of_every_service

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::RwLock;

pub const CHECK_TIME: Duration = Duration::from_secs(1);

pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

use std::sync::Arc;

#[derive(Default)]
pub struct Registry {
    services: RwLock<HashMap<String, Arc<RwLock<String>>>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let entry = self.services.read().await.get(name)?.clone();
        let addr = entry.read().await;
        health_check(&addr).await;
        Some(addr.clone())
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let mut services = self.services.write().await;
        match services.get(name) {
            Some(entry) => {
                let entry = entry.clone();
                drop(services);
                let mut current = entry.write().await;
                Some(std::mem::replace(&mut *current, addr.to_string()))
            }
            None => {
                services.insert(name.to_string(), Arc::new(RwLock::new(addr.to_string())));
                None
            }
        }
    }
}
