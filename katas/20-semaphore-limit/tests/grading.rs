//! Grading tests for kata 20: limit concurrency with a `Semaphore`.
//!
//! Every test runs on a paused clock, so a job of 3s takes exactly 3s of
//! virtual time, and the moment `run_limited` returns tells how the jobs
//! were scheduled. Each job also enters a `ConcurrencyProbe` while it runs,
//! which remembers the most jobs that were ever running at the same time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use kata_20_semaphore_limit::run_limited;
use kata_support::{
    assert_no_leaked_tasks, fmt_duration, ms, no_hang, ConcurrencyProbe, Stopwatch,
};
use tokio::time::Instant;

/// When one job started (was first polled) and finished, in virtual ms.
type Span = (Option<u64>, Option<u64>);

/// The span of every job of a call.
#[derive(Clone)]
struct Timeline {
    start: Instant,
    spans: Arc<Mutex<Vec<Span>>>,
}

impl Timeline {
    fn new(jobs: usize) -> Self {
        Timeline {
            start: Instant::now(),
            spans: Arc::new(Mutex::new(vec![(None, None); jobs])),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn describe(&self, takes: &[u64]) -> String {
        let spans = self.spans.lock().unwrap();
        let show = |at: Option<u64>| at.map_or("never".to_string(), |at| fmt_duration(ms(at)));
        takes
            .iter()
            .zip(spans.iter())
            .enumerate()
            .map(|(index, (takes, (started, finished)))| {
                format!(
                    "job {index} (takes {}): started at {}, finished at {}\n",
                    fmt_duration(ms(*takes)),
                    show(*started),
                    show(*finished)
                )
            })
            .collect()
    }
}

/// The setup of one call: jobs that take `takes[i]` ms each and return
/// `i * 10`, all watched by one probe and one timeline.
struct Batch {
    takes: Vec<u64>,
    limit: usize,
    probe: ConcurrencyProbe,
    timeline: Timeline,
}

impl Batch {
    fn new(takes: &[u64], limit: usize) -> Self {
        Batch {
            takes: takes.to_vec(),
            limit,
            probe: ConcurrencyProbe::new(),
            timeline: Timeline::new(takes.len()),
        }
    }

    fn what(&self) -> String {
        let takes: Vec<String> = self.takes.iter().map(|t| fmt_duration(ms(*t))).collect();
        format!(
            "run_limited(jobs of [{}], limit {})",
            takes.join(", "),
            self.limit
        )
    }

    fn jobs(&self) -> Vec<BoxFuture<'static, usize>> {
        self.takes
            .iter()
            .enumerate()
            .map(|(index, &takes)| -> BoxFuture<'static, usize> {
                let (probe, timeline) = (self.probe.clone(), self.timeline.clone());
                Box::pin(async move {
                    let _running = probe.enter();
                    timeline.spans.lock().unwrap()[index].0 = Some(timeline.now());
                    tokio::time::sleep(ms(takes)).await;
                    timeline.spans.lock().unwrap()[index].1 = Some(timeline.now());
                    index * 10
                })
            })
            .collect()
    }

    /// Runs the batch; returns the outputs and when run_limited returned.
    async fn run(&self) -> (Vec<usize>, Duration) {
        let watch = Stopwatch::start();
        let outputs = no_hang(&self.what(), run_limited(self.jobs(), self.limit)).await;
        (outputs, watch.elapsed())
    }
}

/// The curriculum's example: one long job and five short ones, 2 at a time.
const SIX_JOBS: [u64; 6] = [3000, 1000, 1000, 1000, 1000, 1000];

#[tokio::test(start_paused = true)]
async fn six_jobs_at_limit_two_end_at_four_seconds() {
    let batch = Batch::new(&SIX_JOBS, 2);
    let (_, elapsed) = batch.run().await;
    assert_eq!(
        elapsed,
        ms(4000),
        "{} returned after {} of virtual time, expected exactly 4s.\n\
         With 2 slots, job 0 (3s) holds one slot while jobs 1, 2 and 3 run one after \
         another in the other; jobs 4 and 5 start together at 3s and end at 4s. \
         5s means fixed batches: a batch waits for its slowest job while the other slot \
         sits idle; instead, start the next job the moment any job finishes (each job \
         holds a Semaphore permit only while it runs). 3s means nothing was limited. 8s \
         means one job at a time.\n\
         When each job ran:\n{}",
        batch.what(),
        fmt_duration(elapsed),
        batch.timeline.describe(&batch.takes)
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_jobs_run_at_once() {
    let batch = Batch::new(&SIX_JOBS, 2);
    let _ = batch.run().await;
    batch.probe.assert_peak_at_most(2, &batch.what());
    assert_eq!(
        batch.probe.peak(),
        2,
        "{}: at most {} job(s) ever ran at the same time, but 2 slots were allowed and \
         there was always work waiting. The limit is a maximum to use, not a speed bump: \
         the jobs must run concurrently, up to 2 at once.",
        batch.what(),
        batch.probe.peak()
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn each_job_starts_as_soon_as_a_slot_is_free() {
    let batch = Batch::new(&SIX_JOBS, 2);
    let (outputs, elapsed) = batch.run().await;
    let report = format!(
        "{}\n{}returned {:?} at {}, peak {} running at once\n",
        batch.what(),
        batch.timeline.describe(&batch.takes),
        outputs,
        fmt_duration(elapsed),
        batch.probe.peak()
    );
    insta::with_settings!({
        description => "run_limited(six jobs of 3s, 1s, 1s, 1s, 1s, 1s, limit 2). Jobs start in \
            order, each as soon as a slot is free: jobs 0 and 1 at once, job 2 when job 1 \
            ends (1s), job 3 at 2s, jobs 4 and 5 at 3s when jobs 0 and 3 end. Everything \
            is done at 4s, never more than 2 running.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("six_jobs_timeline", report);
    });
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_input_order() {
    let batch = Batch::new(&[300, 100, 200, 50], 2);
    let (outputs, elapsed) = batch.run().await;
    assert_eq!(
        outputs,
        vec![0, 10, 20, 30],
        "{} returned {outputs:?}, expected [0, 10, 20, 30]: job i returns i × 10, and the \
         outputs must come back in the order of the jobs, not the order they finish \
         (job 1 finishes first here). `join_all` keeps the input order; if you collect \
         results as they complete, put each one back at its job's index.",
        batch.what()
    );
    assert_eq!(
        elapsed,
        ms(350),
        "{} returned after {}, expected exactly 350ms (job 0: 0-300ms; jobs 1 and 2: \
         0-100ms and 100-300ms; job 3: 300-350ms).\nWhen each job ran:\n{}",
        batch.what(),
        fmt_duration(elapsed),
        batch.timeline.describe(&batch.takes)
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn limit_one_runs_the_jobs_one_after_another() {
    let batch = Batch::new(&[100, 200, 300], 1);
    let (outputs, elapsed) = batch.run().await;
    batch.probe.assert_peak_at_most(1, &batch.what());
    assert_eq!(
        (outputs.clone(), elapsed),
        (vec![0, 10, 20], ms(600)),
        "{} returned {outputs:?} after {}, expected [0, 10, 20] after exactly 600ms: one \
         slot, so the jobs run one after the other.",
        batch.what(),
        fmt_duration(elapsed)
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_limit_above_the_job_count_runs_everything_at_once() {
    let batch = Batch::new(&[200, 500, 300], 10);
    let (outputs, elapsed) = batch.run().await;
    assert_eq!(
        (outputs.clone(), elapsed, batch.probe.peak()),
        (vec![0, 10, 20], ms(500), 3),
        "{} returned {outputs:?} after {} with at most {} running at once, expected \
         [0, 10, 20] after exactly 500ms with all 3 running at once: there are more slots \
         than jobs, so nothing waits.",
        batch.what(),
        fmt_duration(elapsed),
        batch.probe.peak()
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn no_jobs_return_at_once() {
    let batch = Batch::new(&[], 3);
    let (outputs, elapsed) = batch.run().await;
    assert!(
        outputs.is_empty() && elapsed.is_zero(),
        "{} returned {outputs:?} after {}, expected [] at once.",
        batch.what(),
        fmt_duration(elapsed)
    );
}
