//! Wrong: pins the failure schedules down (slow and instant attempts, return time, last error) and drops the call half-way, but checks a success only by its value and the number of calls, never by when it comes back, so a retry that waits its backoff before returning a success gets through.
//! Caught by: mutants::waits_after_a_success

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use tokio::time::{Instant, sleep, timeout};

fn ms(n: u64) -> Duration { Duration::from_millis(n) }

#[tokio::test(start_paused = true)]
async fn failures_with_durations() {
    let t0 = Instant::now();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let took = [317u64, 45, 505, 10, 33, 0];
    let r: Result<(), String> = retry_with_backoff(6, ms(100), move |n| {
        l.borrow_mut().push(t0.elapsed().as_millis() as u64);
        async move {
            sleep(ms(took[n as usize - 1])).await;
            Err(format!("attempt {n} failed"))
        }
    })
    .await;
    // 0..317 +100 -> 417..462 +200 -> 662..1167 +400 -> 1567..1577 +800 -> 2377..2410 +1600 -> 4010
    assert_eq!(*log.borrow(), vec![0, 417, 662, 1567, 2377, 4010]);
    assert_eq!(r, Err("attempt 6 failed".to_string()));
    assert_eq!(t0.elapsed(), ms(4010));
}

#[tokio::test(start_paused = true)]
async fn instant_failures() {
    let t0 = Instant::now();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let r: Result<(), String> = retry_with_backoff(6, ms(100), move |n| {
        l.borrow_mut().push(t0.elapsed().as_millis() as u64);
        async move { Err(format!("attempt {n} failed")) }
    })
    .await;
    assert_eq!(*log.borrow(), vec![0, 100, 300, 700, 1500, 3100]);
    assert_eq!(r, Err("attempt 6 failed".to_string()));
    assert_eq!(t0.elapsed(), ms(3100));
}

#[tokio::test(start_paused = true)]
async fn successes() {
    for ok_on in [1u32, 3] {
        let calls = Rc::new(RefCell::new(0));
        let c = calls.clone();
        let r = retry_with_backoff(5, ms(100), move |n| {
            *c.borrow_mut() += 1;
            async move { if n == ok_on { Ok(n) } else { Err(n) } }
        })
        .await;
        assert_eq!(r, Ok(ok_on));
        sleep(Duration::from_secs(60)).await;
        assert_eq!(*calls.borrow(), ok_on);
    }
}

#[tokio::test(start_paused = true)]
async fn one_attempt() {
    let t0 = Instant::now();
    let r: Result<(), &str> = retry_with_backoff(1, ms(100), |_| async { Err("no") }).await;
    assert_eq!(r, Err("no"));
    assert_eq!(t0.elapsed(), ms(0));
}

#[tokio::test(start_paused = true)]
async fn dropped_half_way() {
    let log = Rc::new(RefCell::new(0));
    let l = log.clone();
    let r = timeout(ms(250), retry_with_backoff(5, ms(100), move |_| {
        *l.borrow_mut() += 1;
        async { Err::<(), ()>(()) }
    }))
    .await;
    assert!(r.is_err());
    tokio::task::yield_now().await;
    assert_eq!(tokio::runtime::Handle::current().metrics().num_alive_tasks(), 0);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(*log.borrow(), 2);
}
