//! Steps 3 and 4: list every test of every binary, then run them.
//!
//! We run test binaries directly, not through `cargo test`: it saves cargo's
//! start-up per binary. A test only counts as passed when libtest itself
//! wrote "ok" for it in its log file, not because the process exited 0
//! (`process::exit(0)`) or printed something that looks like success.
//!
//! Each binary's tests are first run together in one process, as `cargo
//! test` would run them, under a short budget. A test that libtest logged
//! `ok` there has passed, as it would have under `cargo test`; that is the
//! whole story when every test passes, which is what a finished kata does
//! on every save. Every other test (a failure, a crash, a hang, a missing
//! "ok", or one that never got its turn because the process died or ran out
//! of budget) runs again in its own process: a test that blocks its thread
//! is then killed on its own wall-clock limit without taking the others
//! down, an `abort()` or stack overflow is pinned on the test that did it,
//! and each failure comes with its own output. So every verdict other than
//! a pass is that of one process per test; running together only saves the
//! start-up of a process per passing test. (That matters most to `verify`,
//! whose known-wrong solutions each fail a few tests and pass the rest.)
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use tokio::sync::Semaphore;

use super::build::Built;
use super::outcome::{RawTest, SubjectRun};
use super::plan::Planned;
use super::process::{Exit, Finished, run_limited};
use super::test_env::TestEnv;
use super::verdict_cache::VerdictCache;
use crate::course::discover::Repo;
use crate::ui::Progress;

/// How much of each stream of a test process is kept.
const OUTPUT_CAP: usize = 256 * 1024;
/// Listing tests only starts the binary; it never runs learner code.
/// kata-support's `WALL_LIMIT_ENV`: the test's limit, for its watchdog.
const WALL_LIMIT_ENV: &str = "TOKIO_KATAS_WALL_LIMIT_MS";

const LIST_LIMIT: Duration = Duration::from_secs(20);
/// How long a binary's tests may take together before we stop waiting and
/// run them one by one. A finished kata's tests take milliseconds under the
/// paused clock (the slowest binary of the solutions, with real threads,
/// about 45 ms); a budget this short keeps a hang from costing the learner
/// more than half a second on top of the test's own limit.
const TOGETHER_BUDGET: Duration = Duration::from_millis(500);

/// Test processes started, for `GRADER_PROFILE=1`: counted over the whole
/// grader process, since `verify` and watch grade more than once.
static PROCESSES_TOGETHER: AtomicUsize = AtomicUsize::new(0);
static PROCESSES_ALONE: AtomicUsize = AtomicUsize::new(0);

pub fn run_all(
    repo: &Repo,
    planned: &[Planned<'_>],
    built: &[Built],
    options: &super::RunOptions,
    progress: &Progress,
) -> Result<Vec<SubjectRun>> {
    crate::app::runtime().block_on(async {
        let slots = Arc::new(Semaphore::new(options.jobs.max(1)));
        let scratch = Arc::new(tempdir_for_logs(repo)?);
        // List every binary first (all at once), so the progress bar knows
        // the total.
        let mut contexts = Vec::new();
        for (index, (plan, build)) in planned.iter().zip(built).enumerate() {
            for (target, binary) in &build.binaries {
                let context = TestEnv::new(repo, plan, target, binary);
                contexts.push((index, Arc::new(context)));
            }
        }
        let listing: Vec<_> = contexts
            .iter()
            .map(|(_, context)| {
                let context = context.clone();
                let slots = slots.clone();
                tokio::spawn(async move {
                    let _slot = slots.acquire_owned().await.expect("semaphore never closes");
                    list_tests(&context).await
                })
            })
            .collect();
        let mut runs: Vec<SubjectRun> = planned.iter().map(|_| SubjectRun::default()).collect();
        let mut binaries = Vec::new();
        for ((index, context), listing) in contexts.into_iter().zip(listing) {
            match listing.await? {
                Ok(names) if names.is_empty() => runs[index].list_failures.push((
                    context.target.clone(),
                    "this test file contains no tests".into(),
                )),
                Ok(names) => binaries.push((index, context, names)),
                Err(why) => runs[index]
                    .list_failures
                    .push((context.target.clone(), why)),
            }
        }
        progress.start_tests(
            binaries
                .iter()
                .map(|(_, _, names)| names.len() as u64)
                .sum(),
        );
        crate::platform::tests_starting();
        let mut handles = Vec::new();
        for (n, (index, context, names)) in binaries.into_iter().enumerate() {
            let run = BinaryRun {
                cache: VerdictCache::open(&context, options.use_cache),
                context,
                slots: slots.clone(),
                logs: scratch.path().join(n.to_string()),
                progress: progress.clone(),
            };
            handles.push(tokio::spawn(async move { (index, run.run(names).await) }));
        }
        for handle in handles {
            let (index, tests) = handle.await?;
            runs[index].tests.extend(tests?);
        }
        crate::profile::note(|| {
            let (together, alone) = (
                PROCESSES_TOGETHER.load(Ordering::Relaxed),
                PROCESSES_ALONE.load(Ordering::Relaxed),
            );
            format!(
                "test processes since the grader started: {together} for tests run together, \
                 {alone} for tests run alone"
            )
        });
        // Every test has ended and its group is dead; whatever it started
        // outside its group is still about (see reaper.rs).
        crate::platform::kill_escapees(Duration::ZERO);
        Ok(runs)
    })
}

/// The tests of one binary: replayed from the verdict cache, run together,
/// or run one by one (see the module's comment).
struct BinaryRun {
    context: Arc<TestEnv>,
    cache: VerdictCache,
    slots: Arc<Semaphore>,
    /// A folder-to-be for this binary's libtest logs, one per process.
    logs: PathBuf,
    progress: Progress,
}

impl BinaryRun {
    /// Every test in `names`, in that order.
    async fn run(self, names: Vec<String>) -> Result<Vec<RawTest>> {
        std::fs::create_dir_all(&self.logs)?;
        let mut done: Vec<Option<RawTest>> =
            names.iter().map(|name| self.cache.replay(name)).collect();
        let replayed: Vec<bool> = done.iter().map(Option::is_some).collect();
        let missing: Vec<&String> = names
            .iter()
            .zip(&done)
            .filter(|(_, hit)| hit.is_none())
            .map(|(name, _)| name)
            .collect();
        if missing.len() > 1 && self.context.may_run_together {
            let together = {
                let _slot = self
                    .slots
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("semaphore never closes");
                PROCESSES_TOGETHER.fetch_add(1, Ordering::Relaxed);
                run_together(&self.context, &missing, &self.logs.join("together.log")).await?
            };
            {
                for test in together {
                    let at = names
                        .iter()
                        .position(|n| *n == test.name)
                        .expect("a test we asked for");
                    done[at] = Some(test);
                }
            }
        }
        let mut alone = Vec::new();
        for (at, name) in names.iter().enumerate() {
            if done[at].is_some() {
                self.progress.test_done();
                continue;
            }
            let context = self.context.clone();
            let slots = self.slots.clone();
            let progress = self.progress.clone();
            let log = self.logs.join(format!("{at}.log"));
            let name = name.clone();
            alone.push((
                at,
                tokio::spawn(async move {
                    let _slot = slots.acquire_owned().await.expect("semaphore never closes");
                    PROCESSES_ALONE.fetch_add(1, Ordering::Relaxed);
                    let test = run_one(&context, &name, &log).await;
                    progress.test_done();
                    test
                }),
            ));
        }
        for (at, handle) in alone {
            done[at] = Some(handle.await??);
        }
        let ran: Vec<&RawTest> = done
            .iter()
            .zip(&replayed)
            .filter(|(_, replayed)| !**replayed)
            .filter_map(|(test, _)| test.as_ref())
            .collect();
        self.cache.record(&self.context, &ran);
        Ok(done
            .into_iter()
            .map(|t| t.expect("every test ran or was replayed"))
            .collect())
    }
}

fn tempdir_for_logs(repo: &Repo) -> Result<tempfile::TempDir> {
    let base = repo.target_dir.join("grader");
    std::fs::create_dir_all(&base)?;
    let dir = tempfile::Builder::new().prefix("run-").tempdir_in(base)?;
    crate::app::remove_on_interrupt(dir.path());
    Ok(dir)
}

async fn list_tests(context: &TestEnv) -> Result<Vec<String>, String> {
    let mut cmd = context.command();
    cmd.args(["--list", "--format", "terse"]);
    let done = run_limited(cmd, LIST_LIMIT, OUTPUT_CAP)
        .await
        .map_err(|e| format!("could not start the test binary: {e:#}"))?;
    if done.exit != Exit::Code(0) {
        return Err(format!(
            "listing the tests failed ({:?}): {}",
            done.exit,
            String::from_utf8_lossy(&done.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&done.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Runs `names` in one process and returns the tests it settled as passed:
/// those libtest logged `ok`, unless the output holds something that makes
/// a pass hollow (then none). A failure, a crash or the end of the budget
/// settles nothing else: those tests run again alone. Each passed test is
/// given an even share of the process's time.
async fn run_together(context: &TestEnv, names: &[&String], log: &Path) -> Result<Vec<RawTest>> {
    let mut cmd = context.command();
    cmd.args(names)
        // --nocapture: what the tests print must reach us, or a hollow pass
        // (trybuild's "no tests enabled", printed with println!) would be
        // swallowed by libtest's capture of a passing test.
        .args(["--exact", "--nocapture", "--test-threads", "1", "--logfile"])
        .arg(log);
    let finished = run_limited(cmd, context.limit.min(TOGETHER_BUDGET), OUTPUT_CAP).await?;
    let logged = std::fs::read_to_string(log).unwrap_or_default();
    let _ = std::fs::remove_file(log);
    let hollow = [&finished.stdout, &finished.stderr]
        .iter()
        .any(|out| super::explain::hollow_pass(&String::from_utf8_lossy(out)));
    if hollow {
        return Ok(Vec::new());
    }
    let ok: std::collections::HashSet<&str> = logged
        .lines()
        .filter_map(|line| line.strip_prefix("ok "))
        .collect();
    let passed: Vec<&&String> = names
        .iter()
        .filter(|name| ok.contains(name.as_str()))
        .collect();
    let share = finished.elapsed / names.len().max(1) as u32;
    Ok(passed
        .into_iter()
        .map(|name| RawTest {
            target: context.target.clone(),
            name: name.to_string(),
            limit: context.limit,
            finished: Finished {
                exit: Exit::Code(0),
                stdout: Vec::new(),
                stderr: Vec::new(),
                truncated: false,
                elapsed: share,
            },
            logged: Some("ok".into()),
        })
        .collect())
}

async fn run_one(context: &TestEnv, name: &str, log: &Path) -> Result<RawTest> {
    let mut cmd = context.command();
    cmd.arg(name)
        .args(["--exact", "--nocapture", "--test-threads", "1", "--logfile"])
        .arg(log)
        // Alone, a test that runs out of time was stuck: kata-support's
        // watchdog says where, shortly before this limit.
        .env(WALL_LIMIT_ENV, context.limit.as_millis().to_string());
    let finished = run_limited(cmd, context.limit, OUTPUT_CAP).await?;
    let logged = std::fs::read_to_string(log).ok().and_then(|text| {
        text.lines().find_map(|line| {
            let (result, test) = line.split_once(' ')?;
            (test == name).then(|| result.to_string())
        })
    });
    let _ = std::fs::remove_file(log);
    Ok(RawTest {
        target: context.target.clone(),
        name: name.to_string(),
        limit: context.limit,
        finished,
        logged,
    })
}
