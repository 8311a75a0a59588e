//! The Tokio Katas grader.
//!
//! `cargo run -p grader` builds every kata's grading tests, runs them, and
//! explains each failure in words a learner can act on. The folders are the
//! architecture, each using only those listed after it:
//!
//! - `commands`: what each command does with its arguments (`cli`);
//! - `learner/` and `dev/`: the learner's commands (watch, hint, list,
//!   reset) and the instructor's (verify, new, bench);
//! - `report/`: every output format, from the same verdicts;
//! - `checks/`: what may be trusted (edited or tampered grading files, git);
//! - `pipeline/`: plan → build → run → grade, each a module with one job;
//! - `course/`: what the repository holds (katas, `kata.toml`, metadata);
//! - `verdict`, `app`, `ui`, `profile`: the shared data model, errors and
//!   runtime, terminal output, and step timing.

mod app;
mod checks;
mod cli;
mod commands;
mod course;
mod dev;
mod learner;
mod pipeline;
mod platform;
mod profile;
mod report;
mod ui;
mod verdict;

use std::io::Write;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    platform::become_subreaper();
    install_interrupt_handler();
    let outcome = commands::run(cli);
    // An interrupt ends the process from its handler, with 130 or 143; what
    // the main thread made of the processes it killed is beside the point.
    while app::interrupted() {
        std::thread::park();
    }
    let code = match outcome {
        Ok(code) => code,
        Err(error) => {
            let style = ui::RED;
            anstream::eprintln!("{style}error:{style:#} {error:#}");
            2
        }
    };
    let _ = std::io::stdout().flush();
    dev::bench::record_peak_rss();
    std::process::exit(code);
}

/// Ctrl-C or SIGTERM: kill every test and cargo process we started, then
/// leave with the conventional status.
fn install_interrupt_handler() {
    app::runtime().spawn(async {
        let code = platform::interrupted().await;
        app::mark_interrupted();
        pipeline::process::kill_all_groups();
        ui::restore_terminal();
        std::process::exit(code);
    });
}
