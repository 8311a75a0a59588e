//! `grader bench`: the performance targets of issue 6, measured side by side.
//!
//! Each target is a ratio between what a learner types and the raw cargo
//! command it stands in for, so both are timed in the same run, alternately,
//! on the same machine: one kata's edit-to-verdict against `cargo test -p`,
//! watch mode's save-to-verdict against the same `cargo test -p`, a warm
//! full grade against `cargo test` over every kata package, and (`--cold`)
//! a fresh clone's first full grade against a cold `cargo test`. It also
//! reports the grader's own peak memory and how many seconds of virtual time
//! the solutions' tests simulate per real second, as the tests themselves
//! measure it (kata-support's ledger, `KATA_VIRTUAL_TIME_DIR`).
//!
//! The commands timed are the ones people type (`cargo run -q -p grader`),
//! so cargo's own start-up counts on the grader's side as it does on the raw
//! side. Raw `cargo test` gets `INSTA_UPDATE=no` and `CI=true` (as the grader
//! pins them), so it never writes `.snap.new` files into `katas/`.
//!
//! Measuring an edit means editing: the kata's `src/lib.rs` gets a comment
//! line appended before each timed run, and its original bytes are put back
//! at the end (also on error). Not a timed test: run it by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::course::discover::{Kata, Repo};

/// kata-support's ledger: the folder its helpers write virtual-time spans to.
const VIRTUAL_TIME_DIR_ENV: &str = "KATA_VIRTUAL_TIME_DIR";

/// Set by the bench: the grader writes its own peak RSS (KiB) there on exit.
const PEAK_RSS_ENV: &str = "GRADER_PEAK_RSS_FILE";

/// Called by `main` just before exiting: the grader's own peak, not cargo's
/// or the tests'. Linux's `getrusage(RUSAGE_SELF)` would also count the
/// memory of the process we were forked from (cargo, for `cargo run`): its
/// peak survives `exec`. `VmHWM` in /proc/self/status is this program's own
/// high-water mark; elsewhere we fall back to getrusage.
pub fn record_peak_rss() {
    let Some(path) = std::env::var_os(PEAK_RSS_ENV) else {
        return;
    };
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
    let kib = hwm.unwrap_or_else(|| {
        // SAFETY: getrusage only writes into the struct we pass.
        let usage = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut usage);
            usage
        };
        usage.ru_maxrss as u64
    });
    let _ = std::fs::write(path, kib.to_string());
}

pub struct Options {
    pub runs: usize,
    pub kata: String,
    pub cold: bool,
}

pub fn run(repo: &Repo, options: &Options) -> Result<i32> {
    let runs = options.runs.max(1);
    let kata = crate::course::discover::find_kata(&repo.katas, &options.kata)?;
    let bench = Bench::new(repo)?;
    println!("Tokio Katas bench: {runs} run(s) each, {} CPU(s)\n", cpus());

    eprintln!("warming up (a full grade and a raw cargo test)...");
    bench.grader(&[])?;
    bench.raw(&bench.all_packages(), None)?;

    eprintln!("1. one kata, edit to verdict ({})...", kata.id);
    let (edit_grader, edit_direct, edit_raw) = {
        let lib = kata.dir.join("src").join("lib.rs");
        let restore = Restore::new(&lib)?;
        // The file is put back when the bench ends; should it be killed
        // first, this copy is the learner's work, byte for byte.
        let backup = crate::learner::reset::write_backup(&repo.root, &kata.id, &restore.original)?;
        eprintln!(
            "   (the bench appends comment lines to {} while it runs and then restores it; a copy is at {})",
            lib.display(),
            backup.display()
        );
        let mut grader = Vec::new();
        let mut direct = Vec::new();
        let mut raw = Vec::new();
        for run in 0..runs {
            restore.append(&format!("// grader bench: edit {run}a\n"))?;
            grader.push(bench.grader(&[&kata.id])?.0);
            // The same, without `cargo run`'s own check that the grader is
            // up to date: what the grader itself adds.
            restore.append(&format!("// grader bench: edit {run}c\n"))?;
            direct.push(bench.grader_binary(&[&kata.id])?);
            restore.append(&format!("// grader bench: edit {run}b\n"))?;
            raw.push(bench.raw(&[kata.package.as_str()], None)?);
        }
        (grader, direct, raw)
    };
    eprintln!("2. watch mode, save to verdict ({})...", kata.id);
    let (watch_grader, watch_raw) = {
        let lib = kata.dir.join("src").join("lib.rs");
        let restore = Restore::new(&lib)?;
        let mut watch = Vec::new();
        let mut raw = Vec::new();
        for run in 0..runs {
            watch.push(bench.watch_save_to_verdict(&kata.id, &restore, run)?);
            restore.append(&format!("// grader bench: watch {run}b\n"))?;
            raw.push(bench.raw(&[kata.package.as_str()], None)?);
        }
        (watch, raw)
    };
    // Putting the file back rebuilt the kata; warm up again.
    bench.grader(&[])?;

    eprintln!("3. warm full grade, nothing changed...");
    let mut full_grader = Vec::new();
    let mut full_raw = Vec::new();
    let mut peak_rss_kib = 0;
    for _ in 0..runs {
        let (time, rss) = bench.grader(&[])?;
        full_grader.push(time);
        peak_rss_kib = peak_rss_kib.max(rss);
        full_raw.push(bench.raw(&bench.all_packages(), None)?);
    }

    eprintln!("5. the solutions, every test run (--no-cache)...");
    let simulated = bench.solutions()?;
    peak_rss_kib = peak_rss_kib.max(simulated.rss_kib);

    let mut rows = vec![
        Row::new(
            "1. one kata, edit to verdict",
            &edit_grader,
            &edit_raw,
            "<= 1.15x",
        ),
        Row::new(
            "1b. same, grader binary run",
            &edit_direct,
            &edit_raw,
            "(context)",
        ),
        Row::new(
            "2. watch, save to verdict",
            &watch_grader,
            &watch_raw,
            "<= raw+0.2s",
        ),
        Row::new("3. warm full grade", &full_grader, &full_raw, "<= 0.50x"),
    ];
    if options.cold {
        eprintln!("4. fresh clone, first full grade (slow: three cold builds)...");
        let cold = bench.cold()?;
        rows.push(Row::new(
            "4. first full grade, cold",
            &[cold.grader],
            &[cold.raw],
            "<= 1.10x",
        ));
        rows.push(Row::new(
            "4b. same, building the grader",
            &[cold.grader_with_its_build],
            &[cold.raw],
            "(context)",
        ));
    }
    println!(
        "{:<32} {:>7} {:<22} {:<22} {:>9}",
        "target", "ratio", "grader runs (s)", "raw cargo runs (s)", "goal"
    );
    for row in &rows {
        println!("{row}");
    }
    println!(
        "   (2: watch's median is {:+.2} s from raw's; the goal is at most +0.20 s)",
        median(&watch_grader) - median(&watch_raw)
    );
    println!("\n{simulated}");
    println!(
        "   grader peak RSS (its own VmHWM): {:.1} MiB",
        peak_rss_kib as f64 / 1024.0
    );
    Ok(0)
}

struct Bench<'a> {
    repo: &'a Repo,
    cargo: std::ffi::OsString,
    rss_file: tempfile::NamedTempFile,
}

impl<'a> Bench<'a> {
    fn new(repo: &'a Repo) -> Result<Self> {
        Ok(Bench {
            repo,
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            rss_file: tempfile::NamedTempFile::new()?,
        })
    }

    fn all_packages(&self) -> Vec<&'a str> {
        self.repo.katas.iter().map(|k| k.package.as_str()).collect()
    }

    fn cargo(&self) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.current_dir(&self.repo.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    /// `cargo run -q -p grader -- ARGS`: (wall time, the grader's peak RSS in KiB).
    fn grader(&self, args: &[&str]) -> Result<(Duration, u64)> {
        let mut cmd = self.cargo();
        cmd.args(["run", "-q", "-p", "grader", "--"]).args(args);
        cmd.env(PEAK_RSS_ENV, self.rss_file.path());
        let time = timed(&mut cmd)?;
        Ok((time, self.read_rss()))
    }

    /// The grader binary `cargo run -p grader` keeps up to date.
    fn grader_path(&self) -> PathBuf {
        self.repo.target_dir.join("debug").join("grader")
    }

    /// `target/debug/grader ARGS`, as a script or an installed grader runs it.
    fn grader_binary(&self, args: &[&str]) -> Result<Duration> {
        let mut cmd = Command::new(self.grader_path());
        cmd.args(args)
            .current_dir(&self.repo.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        timed(&mut cmd)
    }

    fn read_rss(&self) -> u64 {
        std::fs::read_to_string(self.rss_file.path())
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// `cargo test -q --no-fail-fast -p ...`; failing tests are expected
    /// (the stubs fail), so only the time counts.
    fn raw(&self, packages: &[&str], target_dir: Option<&Path>) -> Result<Duration> {
        let mut cmd = self.cargo();
        cmd.args(["test", "-q", "--no-fail-fast"])
            .env("INSTA_UPDATE", "no")
            .env("CI", "true")
            .env_remove("TRYBUILD");
        for package in packages {
            cmd.args(["-p", package]);
        }
        if let Some(dir) = target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        timed(&mut cmd)
    }

    /// Grades the reference solutions with every test run, the tests
    /// recording the virtual time they see (kata-support's ledger).
    fn solutions(&self) -> Result<Simulated> {
        let spans = tempfile::tempdir()?;
        let mut cmd = self.cargo();
        cmd.args([
            "run",
            "-q",
            "-p",
            "grader",
            "--",
            "--solutions",
            "--no-cache",
        ])
        .args(["--format", "json"])
        .env(PEAK_RSS_ENV, self.rss_file.path())
        .env(VIRTUAL_TIME_DIR_ENV, spans.path())
        .stdout(Stdio::piped());
        let started = Instant::now();
        let output = cmd.output().context("could not run the grader")?;
        let wall = started.elapsed();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .context("the grader's JSON report could not be read")?;
        let mut simulated = Simulated {
            wall_secs: wall.as_secs_f64(),
            rss_kib: self.read_rss(),
            ..Simulated::default()
        };
        for result in report["katas"].as_array().into_iter().flatten() {
            let kata = self
                .repo
                .katas
                .iter()
                .find(|k| result["id"] == k.id.as_str());
            for test in result["tests"].as_array().into_iter().flatten() {
                let secs = test["duration_us"].as_u64().unwrap_or(0) as f64 / 1e6;
                let target = test["name"]
                    .as_str()
                    .unwrap_or("")
                    .split("::")
                    .next()
                    .unwrap_or("");
                if kata.is_some_and(|k| is_compile_check(k, target)) {
                    simulated.compile_check_secs += secs;
                } else {
                    simulated.runtime_tests += 1;
                    simulated.runtime_secs += secs;
                }
            }
        }
        for entry in std::fs::read_dir(spans.path())?.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let (virtual_secs, real_secs) = merged_spans(&text);
            simulated.reporting_processes += 1;
            simulated.reporting_tests += reporting_tests(&text);
            simulated.virtual_secs += virtual_secs;
            simulated.in_span_real_secs += real_secs;
        }
        Ok(simulated)
    }

    /// Starts `grader watch KATA`, waits for its first verdict, then saves
    /// the kata's file (a line appended) and times the save until the next
    /// verdict is on screen. The watch is started afresh for each run so
    /// that it is not grading anything while raw cargo is timed.
    fn watch_save_to_verdict(&self, kata: &str, file: &Restore, run: usize) -> Result<Duration> {
        use std::io::{BufRead, BufReader, Write};
        use std::os::unix::process::CommandExt;
        use std::sync::mpsc;

        // The binary `cargo run -p grader` keeps up to date (this process's
        // own file may have been replaced since it started).
        let mut child = Command::new(self.grader_path())
            .args(["watch", kata])
            .current_dir(&self.repo.root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("could not start watch mode")?;
        let group = KillGroup(child.id() as i32);
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let verdict = |count: u64| -> Result<()> {
            let wanted = format!("Graded {count} time(s)");
            let deadline = Instant::now() + Duration::from_secs(300);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(line) if line.contains(&wanted) => return Ok(()),
                    Ok(_) => continue,
                    Err(_) => bail!("watch mode showed no verdict #{count} within 5 minutes"),
                }
            }
        };
        verdict(1)?;
        // Let the watcher settle after its first grade.
        std::thread::sleep(Duration::from_millis(300));
        let saved = Instant::now();
        file.append(&format!("// grader bench: watch {run}a\n"))?;
        verdict(2)?;
        let took = saved.elapsed();
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(b"q");
        }
        let quit_by = Instant::now() + Duration::from_secs(10);
        while child.try_wait()?.is_none() && Instant::now() < quit_by {
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(group);
        let _ = child.wait();
        Ok(took)
    }

    /// A fresh target directory each: the grader's first full grade against
    /// a cold `cargo test` of the same packages. First with the grader
    /// binary already built, then as a fresh clone runs it: `cargo run -p
    /// grader`, which compiles the grader too (its own dependencies are the
    /// difference; the ones it shares with the katas are compiled once).
    fn cold(&self) -> Result<Cold> {
        let grader_binary = self.grader_path();
        if !grader_binary.exists() {
            bail!("build the grader first: cargo build -p grader");
        }
        let grader_target = tempfile::tempdir()?;
        let mut cmd = Command::new(&grader_binary);
        cmd.current_dir(&self.repo.root)
            .env("CARGO_TARGET_DIR", grader_target.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let grader = timed(&mut cmd)?;
        drop(grader_target);
        let raw_target = tempfile::tempdir()?;
        let raw = self.raw(&self.all_packages(), Some(raw_target.path()))?;
        drop(raw_target);
        let fresh_target = tempfile::tempdir()?;
        let mut cmd = self.cargo();
        cmd.args(["run", "-q", "-p", "grader"])
            .env("CARGO_TARGET_DIR", fresh_target.path());
        let grader_with_its_build = timed(&mut cmd)?;
        Ok(Cold {
            grader,
            raw,
            grader_with_its_build,
        })
    }
}

struct Cold {
    grader: Duration,
    raw: Duration,
    grader_with_its_build: Duration,
}

fn timed(cmd: &mut Command) -> Result<Duration> {
    let start = Instant::now();
    cmd.status()
        .with_context(|| format!("could not run {cmd:?}"))?;
    Ok(start.elapsed())
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A trybuild suite compiles code: it simulates no time.
fn is_compile_check(kata: &Kata, target: &str) -> bool {
    kata.test_targets.iter().any(|t| {
        t.name == target
            && std::fs::read_to_string(&t.src_path).is_ok_and(|src| src.contains("trybuild::"))
    })
}

/// What one test process recorded (kata-support's ledger: `vstart vend
/// rstart rend test` in nanoseconds, one span per line): the virtual seconds
/// its spans cover and the real seconds they took. Each test's spans count
/// as their union, so a stopwatch around a `no_hang` counts once; different
/// tests are added up, since each runs its own paused clock.
fn merged_spans(text: &str) -> (f64, f64) {
    type Spans = Vec<(i128, i128)>;
    let mut per_test: std::collections::BTreeMap<&str, (Spans, Spans)> = Default::default();
    for line in text.lines() {
        let fields: Vec<i128> = line
            .split_whitespace()
            .map_while(|f| f.parse().ok())
            .collect();
        let test = line.split_whitespace().nth(4).unwrap_or("");
        if let [vs, ve, rest @ ..] = fields.as_slice() {
            let (virtual_spans, real_spans) = per_test.entry(test).or_default();
            virtual_spans.push((*vs, *ve));
            if let [rs, re] = rest {
                real_spans.push((*rs, *re));
            }
        }
    }
    per_test
        .into_values()
        .map(|(v, r)| (union_secs(v), union_secs(r)))
        .fold((0.0, 0.0), |(v, r), (tv, tr)| (v + tv, r + tr))
}

/// How many tests wrote to one process's ledger file.
fn reporting_tests(text: &str) -> usize {
    let tests: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.split_whitespace().nth(4))
        .collect();
    tests.len()
}

/// The length of the union of `[start, end)` spans, in seconds.
fn union_secs(mut spans: Vec<(i128, i128)>) -> f64 {
    spans.retain(|(start, end)| end > start);
    spans.sort();
    let mut total: i128 = 0;
    let mut current: Option<(i128, i128)> = None;
    for (start, end) in spans {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total as f64 / 1e9
}

/// Target 5's figures.
#[derive(Default)]
struct Simulated {
    virtual_secs: f64,
    /// The real time the recorded spans took: the tests' own code running
    /// on the paused clock, without process start-up.
    in_span_real_secs: f64,
    /// Test processes that recorded any virtual time.
    reporting_processes: usize,
    /// Tests that recorded any virtual time.
    reporting_tests: usize,
    runtime_tests: usize,
    /// Summed wall time of the runtime tests' processes.
    runtime_secs: f64,
    /// Summed wall time of the trybuild suites (compiling, not simulating).
    compile_check_secs: f64,
    /// The whole `grader --solutions --no-cache` run.
    wall_secs: f64,
    rss_kib: u64,
}

impl std::fmt::Display for Simulated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per = |real: f64| self.virtual_secs / real.max(f64::EPSILON);
        writeln!(
            f,
            "5. virtual time on the solutions: {:.1} virtual s, recorded by {} of {} runtime tests (in {} processes)",
            self.virtual_secs, self.reporting_tests, self.runtime_tests, self.reporting_processes
        )?;
        writeln!(
            f,
            "   per real second of the runtime tests' processes ({:.2} s, start-up included): {:.0}x   (goal >= 1000x)",
            self.runtime_secs,
            per(self.runtime_secs)
        )?;
        writeln!(
            f,
            "   per real second inside the measured spans ({:.3} s, the tests' own code): {:.0}x",
            self.in_span_real_secs,
            per(self.in_span_real_secs)
        )?;
        write!(
            f,
            "   per real second of the whole run ({:.2} s wall; the trybuild suites' processes, compiling, took {:.2} s of it side by side): {:.0}x",
            self.wall_secs,
            self.compile_check_secs,
            per(self.wall_secs)
        )
    }
}

/// Kills a process group when dropped: the watch and whatever it started.
struct KillGroup(i32);

impl Drop for KillGroup {
    fn drop(&mut self) {
        // SAFETY: kill only sends a signal; a negative pid names the group.
        unsafe {
            libc::kill(-self.0, libc::SIGKILL);
        }
    }
}

/// Puts a file's original bytes back when dropped.
struct Restore {
    path: PathBuf,
    original: Vec<u8>,
}

impl Restore {
    fn new(path: &Path) -> Result<Self> {
        let original =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Restore {
            path: path.to_path_buf(),
            original,
        })
    }

    fn append(&self, line: &str) -> Result<()> {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().append(true).open(&self.path)?;
        file.write_all(line.as_bytes())?;
        Ok(())
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(&self.path, &self.original) {
            eprintln!("error: could not restore {}: {e}", self.path.display());
        }
    }
}

struct Row {
    name: &'static str,
    grader: Vec<Duration>,
    raw: Vec<Duration>,
    goal: &'static str,
}

impl Row {
    fn new(name: &'static str, grader: &[Duration], raw: &[Duration], goal: &'static str) -> Self {
        Row {
            name,
            grader: grader.to_vec(),
            raw: raw.to_vec(),
            goal,
        }
    }
}

fn median(times: &[Duration]) -> f64 {
    let mut secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    secs.sort_by(f64::total_cmp);
    let mid = secs.len() / 2;
    if secs.len().is_multiple_of(2) {
        (secs[mid - 1] + secs[mid]) / 2.0
    } else {
        secs[mid]
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |times: &[Duration]| {
            times
                .iter()
                .map(|t| format!("{:.2}", t.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(
            f,
            "{:<32} {:>6.2}x {:<22} {:<22} {:>9}",
            self.name,
            median(&self.grader) / median(&self.raw),
            list(&self.grader),
            list(&self.raw),
            self.goal
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_count_once() {
        // A stopwatch from 0 to 5 s around a no_hang from 1 to 3 s, then a
        // separate 2 s span; real times alongside.
        let text = "1000000000 3000000000 10 20\n0 5000000000 0 30\n7000000000 9000000000 40 50\n";
        let (virtual_secs, real_secs) = merged_spans(text);
        assert_eq!(virtual_secs, 7.0);
        assert_eq!(real_secs, 40e-9);
        // A negative start (before the first span seen), and the old format.
        assert_eq!(
            merged_spans("-2000000000 1000000000\n0 500000000\n"),
            (3.0, 0.0)
        );
        assert_eq!(merged_spans("garbage\n5 5 1 1\n"), (0.0, 0.0));
        // Two tests in one process: each ran its own paused clock, so
        // their virtual spans overlap and still both count.
        let text = "0 4000000000 0 10 first\n1000000000 3000000000 20 30 second\n";
        assert_eq!(merged_spans(text), (6.0, 20e-9));
        assert_eq!(reporting_tests(text), 2);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let s = Duration::from_secs;
        assert_eq!(median(&[s(3), s(1), s(2)]), 2.0);
        assert_eq!(median(&[s(4), s(1), s(2), s(3)]), 2.5);
    }
}
