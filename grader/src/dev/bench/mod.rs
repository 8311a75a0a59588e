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

mod measure;
mod simulated;

use std::time::Duration;

use anyhow::Result;

use crate::course::backup::write_backup;
use crate::course::discover::Repo;
use measure::{Bench, Restore, cpus};

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
    let kib = crate::platform::peak_rss_kib();
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
        let backup = write_backup(&repo.root, &kata.id, &restore.original)?;
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
    fn median_of_even_and_odd_counts() {
        let s = Duration::from_secs;
        assert_eq!(median(&[s(3), s(1), s(2)]), 2.0);
        assert_eq!(median(&[s(4), s(1), s(2), s(3)]), 2.5);
    }
}
