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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio::process::Command;
use tokio::sync::Semaphore;

use super::build::Built;
use super::plan::Planned;
use super::process::{run_limited, Exit, Finished};
use crate::course::discover::Repo;
use crate::course::kata_file::DEFAULT_TIME_LIMIT_SECS;
use crate::ui::Progress;

/// How much of each stream of a test process is kept.
const OUTPUT_CAP: usize = 256 * 1024;
/// Listing tests only starts the binary; it never runs learner code.
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

/// What happened to one test.
#[derive(Debug)]
pub struct RawTest {
    pub target: String,
    pub name: String,
    pub limit: Duration,
    pub finished: Finished,
    /// What libtest recorded in its log: `ok`, `failed`, `ignored`, or none.
    pub logged: Option<String>,
}

/// Everything that ran for one subject.
#[derive(Debug, Default)]
pub struct SubjectRun {
    pub tests: Vec<RawTest>,
    /// Binaries that could not even list their tests: (target, why).
    pub list_failures: Vec<(String, String)>,
}

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
                let context = TestContext::new(repo, plan, target, binary, options.use_cache);
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
        super::reaper::tests_starting();
        let mut handles = Vec::new();
        for (n, (index, context, names)) in binaries.into_iter().enumerate() {
            let run = BinaryRun {
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
        super::reaper::kill_escapees(Duration::ZERO);
        Ok(runs)
    })
}

/// The tests of one binary: replayed from the verdict cache, run together,
/// or run one by one (see the module's comment).
struct BinaryRun {
    context: Arc<TestContext>,
    slots: Arc<Semaphore>,
    /// A folder-to-be for this binary's libtest logs, one per process.
    logs: PathBuf,
    progress: Progress,
}

impl BinaryRun {
    /// Every test in `names`, in that order.
    async fn run(self, names: Vec<String>) -> Result<Vec<RawTest>> {
        std::fs::create_dir_all(&self.logs)?;
        let mut done: Vec<Option<RawTest>> = names.iter().map(|name| self.replay(name)).collect();
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
        self.record(&ran);
        Ok(done
            .into_iter()
            .map(|t| t.expect("every test ran or was replayed"))
            .collect())
    }

    /// The recorded outcome, when nothing the test depends on changed.
    fn replay(&self, name: &str) -> Option<RawTest> {
        let context = &self.context;
        let key = context.cache_key.as_ref()?;
        let dir = super::verdict_cache::dir(&context.target_dir);
        let key = super::verdict_cache::test_key(key, &context.target, name);
        super::verdict_cache::load(&dir, &key, &context.target, name, context.limit)
    }

    /// Records the outcomes that ran (not those replayed), if the inputs of
    /// the binary's tests held still while they ran: the key is computed
    /// again once they are all done, and nothing is recorded if it moved.
    fn record(&self, ran: &[&RawTest]) {
        let context = &self.context;
        let Some(before) = &context.cache_key else {
            return;
        };
        if ran.is_empty() || context.compute_cache_key().as_ref() != Some(before) {
            return;
        }
        let dir = super::verdict_cache::dir(&context.target_dir);
        for test in ran {
            let key = super::verdict_cache::test_key(before, &context.target, &test.name);
            super::verdict_cache::store(&dir, &key, test);
        }
    }
}

/// Where and how one test binary runs.
#[derive(Debug, Clone)]
struct TestContext {
    binary: PathBuf,
    /// Whether its tests are first tried together in one process.
    may_run_together: bool,
    target: String,
    package: String,
    /// The kata's own directory: trybuild globs and snapshots are relative to it.
    kata_dir: PathBuf,
    manifest_dir: PathBuf,
    repo_root: PathBuf,
    target_dir: PathBuf,
    limit: Duration,
    /// The graded library when it is not the kata's own `src/lib.rs`.
    lib_source: Option<PathBuf>,
    /// The verdict cache's key for this binary, when caching is on and every
    /// input could be read (verdict_cache.rs).
    cache_key: Option<String>,
}

impl TestContext {
    fn new(repo: &Repo, plan: &Planned<'_>, target: &str, binary: &Path, cache: bool) -> Self {
        let meta = &plan.subject.kata.meta;
        let secs = meta
            .target_time_limits
            .get(target)
            .copied()
            .or(meta.time_limit_secs)
            .unwrap_or(DEFAULT_TIME_LIMIT_SECS);
        let lib_source = match &plan.subject.source {
            super::Source::Working => None,
            super::Source::File(path) => Some(path.clone()),
        };
        let mut context = TestContext {
            // A target with a limit of its own is slow on purpose (a
            // trybuild suite compiles): it would only outrun the budget.
            may_run_together: !meta.target_time_limits.contains_key(target),
            binary: binary.to_path_buf(),
            target: target.to_string(),
            package: plan.package.clone(),
            kata_dir: plan.subject.kata.dir.clone(),
            manifest_dir: plan.manifest_dir.clone(),
            repo_root: repo.root.clone(),
            target_dir: repo.target_dir.clone(),
            limit: Duration::from_secs(secs),
            lib_source,
            cache_key: None,
        };
        if cache {
            context.cache_key = context.compute_cache_key();
        }
        context
    }

    fn compute_cache_key(&self) -> Option<String> {
        // The inherited environment, whole (the pinned values are fixed by
        // the grader's own version, which is part of the key), plus the
        // values that vary by kata.
        let mut env: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| (k.to_string_lossy().into(), v.to_string_lossy().into()))
            .collect();
        env.sort();
        for (key, value) in [
            ("INSTA_WORKSPACE_ROOT", &self.repo_root),
            ("CARGO_MANIFEST_DIR", &self.manifest_dir),
            ("CARGO_TARGET_DIR", &self.target_dir),
        ] {
            env.push((format!("pinned:{key}"), value.display().to_string()));
        }
        env.push(("pinned:CARGO_PKG_NAME".into(), self.package.clone()));
        super::verdict_cache::context_key(&super::verdict_cache::Inputs {
            binary: &self.binary,
            kata_dir: &self.kata_dir,
            lib_source: self.lib_source.as_deref(),
            manifest_dir: &self.manifest_dir,
            repo_root: &self.repo_root,
            limit: self.limit,
            env: &env,
        })
    }

    /// The test binary, in the environment `cargo test` would give it, with
    /// every switch that could turn a failing check into a pass pinned off.
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.binary);
        super::limits::limit_memory(&mut cmd);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let risky = key.starts_with("INSTA_")
                || key.starts_with("TRYBUILD")
                || key.starts_with("RUST_TEST_")
                || key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_BIN_")
                || key == "CARGO_CRATE_NAME"
                || key == "CARGO_PRIMARY_PACKAGE"
                // A replay seed narrows a seeded test to one case.
                || key == "KATA_SEED";
            if risky {
                cmd.env_remove(key.as_ref());
            }
        }
        cmd.current_dir(&self.kata_dir)
            .env("CI", "true")
            .env("INSTA_UPDATE", "no")
            .env("INSTA_FORCE_PASS", "0")
            .env("INSTA_WORKSPACE_ROOT", &self.repo_root)
            .env("RUST_BACKTRACE", "0")
            .env("NO_COLOR", "1")
            .env("CARGO_MANIFEST_DIR", &self.manifest_dir)
            .env("CARGO_PKG_NAME", &self.package)
            .env("CARGO_CRATE_NAME", &self.target)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        cmd
    }
}

fn tempdir_for_logs(repo: &Repo) -> Result<tempfile::TempDir> {
    let base = repo.target_dir.join("grader");
    std::fs::create_dir_all(&base)?;
    let dir = tempfile::Builder::new().prefix("run-").tempdir_in(base)?;
    crate::app::remove_on_interrupt(dir.path());
    Ok(dir)
}

async fn list_tests(context: &TestContext) -> Result<Vec<String>, String> {
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
async fn run_together(
    context: &TestContext,
    names: &[&String],
    log: &Path,
) -> Result<Vec<RawTest>> {
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

async fn run_one(context: &TestContext, name: &str, log: &Path) -> Result<RawTest> {
    let mut cmd = context.command();
    cmd.arg(name)
        .args(["--exact", "--nocapture", "--test-threads", "1", "--logfile"])
        .arg(log);
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
