//! Timing the commands a learner types against the raw cargo commands
//! they stand in for, on the same machine, alternately.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::simulated::{Simulated, merged_spans, reporting_tests};
use super::{PEAK_RSS_ENV, VIRTUAL_TIME_DIR_ENV};
use crate::course::discover::{Kata, Repo};
use crate::platform::StdProcessTree;

pub struct Bench<'a> {
    repo: &'a Repo,
    cargo: std::ffi::OsString,
    rss_file: tempfile::NamedTempFile,
}

impl<'a> Bench<'a> {
    pub fn new(repo: &'a Repo) -> Result<Self> {
        Ok(Bench {
            repo,
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            rss_file: tempfile::NamedTempFile::new()?,
        })
    }

    pub fn all_packages(&self) -> Vec<&'a str> {
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
    pub fn grader(&self, args: &[&str]) -> Result<(Duration, u64)> {
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
    pub fn grader_binary(&self, args: &[&str]) -> Result<Duration> {
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
    pub fn raw(&self, packages: &[&str], target_dir: Option<&Path>) -> Result<Duration> {
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
    pub fn solutions(&self) -> Result<Simulated> {
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
    pub fn watch_save_to_verdict(
        &self,
        kata: &str,
        file: &Restore,
        run: usize,
    ) -> Result<Duration> {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::mpsc;

        // The binary `cargo run -p grader` keeps up to date (this process's
        // own file may have been replaced since it started).
        let mut cmd = Command::new(self.grader_path());
        cmd.args(["watch", kata])
            .current_dir(&self.repo.root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = StdProcessTree::spawn(cmd).context("could not start watch mode")?;
        let (tx, rx) = mpsc::channel();
        let stdout = child.take_stdout().expect("piped");
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
        if let Some(mut stdin) = child.take_stdin() {
            let _ = stdin.write_all(b"q");
        }
        let quit_by = Instant::now() + Duration::from_secs(10);
        while child.try_wait()?.is_none() && Instant::now() < quit_by {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Dropping the tree kills what is left of it and reaps the root.
        drop(child);
        Ok(took)
    }

    /// A fresh target directory each: the grader's first full grade against
    /// a cold `cargo test` of the same packages. First with the grader
    /// binary already built, then as a fresh clone runs it: `cargo run -p
    /// grader`, which compiles the grader too (its own dependencies are the
    /// difference; the ones it shares with the katas are compiled once).
    pub fn cold(&self) -> Result<Cold> {
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

/// Target 4's figures.
pub struct Cold {
    pub grader: Duration,
    pub raw: Duration,
    pub grader_with_its_build: Duration,
}

fn timed(cmd: &mut Command) -> Result<Duration> {
    let start = Instant::now();
    cmd.status()
        .with_context(|| format!("could not run {cmd:?}"))?;
    Ok(start.elapsed())
}

pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A trybuild suite compiles code: it simulates no time.
fn is_compile_check(kata: &Kata, target: &str) -> bool {
    kata.test_targets.iter().any(|t| {
        t.name == target
            && std::fs::read_to_string(&t.src_path).is_ok_and(|src| src.contains("trybuild::"))
    })
}

/// Puts a file's original bytes back when dropped.
pub struct Restore {
    path: PathBuf,
    pub original: Vec<u8>,
}

impl Restore {
    pub fn new(path: &Path) -> Result<Self> {
        let original =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Restore {
            path: path.to_path_buf(),
            original,
        })
    }

    pub fn append(&self, line: &str) -> Result<()> {
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
