//! `grader bench`: the performance targets of issue 6, measured side by side.
//!
//! Each target is a ratio between what a learner types and the raw cargo
//! command it stands in for, so both are timed in the same run, alternately,
//! on the same machine: one kata's edit-to-verdict against `cargo test -p`,
//! a warm full grade against `cargo test` over every kata package, and
//! (`--cold`) a fresh target directory's first full grade against a cold
//! `cargo test`. It also reports the grader's own peak memory and how many
//! seconds of virtual time the solutions' tests simulate per real second.
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

use crate::discover::{Kata, Repo};

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
    let kata = crate::discover::find_kata(&repo.katas, &options.kata)?;
    let bench = Bench::new(repo)?;
    println!("Tokio Katas bench: {runs} run(s) each, {} CPU(s)\n", cpus());

    eprintln!("warming up (a full grade and a raw cargo test)...");
    bench.grader(&[])?;
    bench.raw(&bench.all_packages(), None)?;

    eprintln!("1. one kata, edit to verdict ({})...", kata.id);
    let (edit_grader, edit_raw) = {
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
        let mut raw = Vec::new();
        for run in 0..runs {
            restore.append(&format!("// grader bench: edit {run}a\n"))?;
            grader.push(bench.grader(&[&kata.id])?.0);
            restore.append(&format!("// grader bench: edit {run}b\n"))?;
            raw.push(bench.raw(&[kata.package.as_str()], None)?);
        }
        (grader, raw)
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
    let (virtual_secs, real_secs, solutions_rss) = bench.solutions()?;
    peak_rss_kib = peak_rss_kib.max(solutions_rss);

    let mut rows = vec![
        Row::new(
            "1. one kata, edit to verdict",
            &edit_grader,
            &edit_raw,
            "<= 1.15x",
        ),
        Row::new("3. warm full grade", &full_grader, &full_raw, "<= 0.50x"),
    ];
    if options.cold {
        eprintln!("4. fresh clone, first full grade (slow: two cold builds)...");
        let (grader, raw) = bench.cold()?;
        rows.push(Row::new(
            "4. first full grade, cold",
            &[grader],
            &[raw],
            "<= 1.10x",
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
        "\n5. virtual time: {virtual_secs:.1} virtual s (lower bound, see README) in {real_secs:.2} s \
         of test processes = {:.0} virtual s per real s (goal >= 1000)",
        virtual_secs / real_secs.max(f64::EPSILON)
    );
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

    /// Grades the reference solutions with every test run; returns the
    /// virtual seconds their snapshots record (a lower bound), the real
    /// seconds their test processes took, and the grader's peak RSS.
    fn solutions(&self) -> Result<(f64, f64, u64)> {
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
        .stdout(Stdio::piped());
        let output = cmd.output().context("could not run the grader")?;
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .context("the grader's JSON report could not be read")?;
        let mut virtual_secs = 0.0;
        let mut real_ms = 0u64;
        for result in report["katas"].as_array().into_iter().flatten() {
            for test in result["tests"].as_array().into_iter().flatten() {
                real_ms += test["duration_ms"].as_u64().unwrap_or(0);
            }
            let passed = result["status"] == "passed";
            let kata = self
                .repo
                .katas
                .iter()
                .find(|k| result["id"] == k.id.as_str());
            if let (true, Some(kata)) = (passed, kata) {
                virtual_secs += snapshot_virtual_secs(kata);
            }
        }
        Ok((virtual_secs, real_ms as f64 / 1000.0, self.read_rss()))
    }

    /// A fresh target directory each: the grader's first full grade against
    /// a cold `cargo test` of the same packages. The grader binary itself is
    /// the one already built (a fresh clone builds it once, either way).
    fn cold(&self) -> Result<(Duration, Duration)> {
        let grader_binary = self.repo.target_dir.join("debug").join("grader");
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
        let raw_target = tempfile::tempdir()?;
        let raw = self.raw(&self.all_packages(), Some(raw_target.path()))?;
        Ok((grader, raw))
    }
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

/// The virtual time a kata's snapshots record: for each snapshot, the
/// largest duration written in its body (`returned at: 1000ms`, `1.5s`).
/// Every one was measured on the paused clock by a test that passed, so the
/// sum is a lower bound of the virtual time the kata's tests simulate.
fn snapshot_virtual_secs(kata: &Kata) -> f64 {
    let dir = kata.dir.join("tests").join("snapshots");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0.0;
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| largest_duration(snapshot_body(&text)))
        .sum()
}

fn snapshot_body(text: &str) -> &str {
    // insta's header sits between the first two `---` lines.
    let mut parts = text.splitn(3, "---\n");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), Some(_), Some(body)) => body,
        _ => text,
    }
}

fn largest_duration(body: &str) -> f64 {
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter_map(|word| {
            let word = word.trim_end_matches('.');
            if let Some(n) = word.strip_suffix("ms") {
                n.parse::<f64>().ok().map(|n| n / 1000.0)
            } else {
                word.strip_suffix('s')?.parse::<f64>().ok()
            }
        })
        .fold(0.0, f64::max)
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
    fn the_largest_duration_in_a_snapshot_body_counts() {
        let text = "---\nsource: x\ndescription: \"a deadline 9s away\"\n---\n\
                    deadline: 1000ms after the start\nop 1 (takes 1500ms): None\nops: 2s.\n";
        assert_eq!(largest_duration(snapshot_body(text)), 2.0);
        assert_eq!(largest_duration("no times here, ops and 3 tasks"), 0.0);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let s = Duration::from_secs;
        assert_eq!(median(&[s(3), s(1), s(2)]), 2.0);
        assert_eq!(median(&[s(4), s(1), s(2), s(3)]), 2.5);
    }
}
