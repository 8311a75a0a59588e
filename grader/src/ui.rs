//! Talking to the terminal: the build progress bar and colours.
//!
//! Progress goes to stderr and only when stderr is a terminal (indicatif
//! hides itself otherwise), so piped and JSON output stay clean. Colours go
//! through `anstream`, which drops them when `NO_COLOR` is set or the output
//! is not a terminal.

use std::time::Duration;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};

pub const GREEN: Style = AnsiColor::Green.on_default().bold();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

/// The progress indication for one grading run.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        let bar = if enabled {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {prefix:.bold} {wide_msg}").unwrap(),
        );
        bar.set_prefix("Building");
        bar.set_message("asking cargo what to compile…");
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// A line of cargo's stderr: "   Compiling tokio v1.47.1".
    pub fn cargo_line(&self, line: &str) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Compiling ") {
            self.bar.set_message(format!("compiling {rest}"));
        }
    }

    pub fn artifact_built(&self) {
        self.bar.inc(1);
    }

    pub fn start_tests(&self, total: u64) {
        self.bar.set_style(
            ProgressStyle::with_template(
                "{spinner:.cyan} {prefix:.bold} [{bar:30}] {pos}/{len} tests",
            )
            .unwrap()
            .progress_chars("=> "),
        );
        self.bar.set_prefix("Testing");
        self.bar.set_position(0);
        self.bar.set_length(total);
    }

    pub fn test_done(&self) {
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
