//! Where a grading run's results go besides stdout.
//!
//! CI wants several reports from one run: a table in the log, JUnit XML for
//! the test viewer, Classroom's points, the GitHub summary. Grading twice
//! would double the time, so `--report FORMAT=FILE` writes more reports to
//! files, and under GitHub Actions the summary and annotations are added.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Format;
use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::report;
use crate::verdict::KataResult;

/// Everything a report can show about one run.
pub struct Run<'a> {
    pub katas: &'a [&'a Kata],
    pub results: &'a [KataResult],
    /// The katas were named on the command line (shown in full).
    pub named: bool,
    pub title: &'a str,
    /// Changes that were not graded (`--trusted-ref`).
    pub warnings: &'a [String],
    /// Who the human report speaks to, and where it sends them next.
    pub guide: &'a report::human::Guide,
    /// The assignment graded (`assignments.toml`): only its katas are
    /// required. `None`: every kata is.
    pub assignment: Option<&'a Assignment>,
}

/// The report in `format`, as text (a human report keeps its colours only
/// for a terminal, so files get it plain).
pub fn render(format: Format, run: &Run<'_>) -> String {
    match format {
        Format::Human => report::human::render(
            run.katas,
            run.results,
            run.named,
            run.title,
            run.guide,
            run.assignment,
        ),
        Format::Json => report::json::render(run.katas, run.results, run.assignment, run.named),
        Format::Junit => report::junit::render(run.katas, run.results, run.assignment),
        Format::Classroom => {
            report::classroom::render(run.katas, run.results, run.assignment, run.named)
        }
        Format::Html => report::html::render(run),
    }
}

/// Writes the `--report` files, then, under GitHub Actions, the step
/// summary and annotations (after stdout's report, so they end the log).
pub fn finish(reports: &[(Format, PathBuf)], stdout_format: Format, run: &Run<'_>) -> Result<()> {
    for (format, file) in reports {
        let mut text = render(*format, run);
        if *format == Format::Human {
            text = anstream::adapter::strip_str(&text).to_string();
        }
        write(file, &text)?;
    }
    if report::github::in_actions() {
        if let Some(file) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|f| !f.is_empty()) {
            use std::io::Write;
            let summary = report::github::summary(
                run.katas,
                run.results,
                run.title,
                run.warnings,
                run.assignment,
                run.named,
            );
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file)
                .and_then(|mut f| f.write_all(summary.as_bytes()))
                .with_context(|| {
                    format!(
                        "cannot append to $GITHUB_STEP_SUMMARY ({})",
                        Path::new(&file).display()
                    )
                })?;
        }
        let annotations = report::github::annotations(run.results, run.warnings, run.assignment);
        // The runner reads workflow commands from stdout; when stdout holds
        // a machine-readable report, stderr keeps it clean.
        if stdout_format == Format::Human {
            crate::ui::print(&annotations)?;
        } else {
            eprint!("{annotations}");
        }
    } else {
        for warning in run.warnings {
            anstream::eprintln!(
                "{}warning:{} {warning}",
                crate::ui::YELLOW,
                crate::ui::YELLOW.render_reset()
            );
        }
    }
    Ok(())
}

fn write(file: &Path, text: &str) -> Result<()> {
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let text = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    std::fs::write(file, text)
        .with_context(|| format!("cannot write the report {}", file.display()))
}
