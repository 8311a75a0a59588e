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

/// Whether to animate progress: only on a terminal, and not when the user
/// asked for plain output (`NO_COLOR`, `TERM=dumb`): the animation is made
/// of escape codes too.
pub fn progress_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

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

/// Whether the terminal is in raw mode (watch), so an interrupt can put it
/// back before the process exits.
static RAW_MODE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Raw mode for the length of `watch`: keys arrive one at a time, without
/// Enter. Restored when dropped, and by [`restore_terminal`] on a signal.
pub struct RawTerminal;

impl RawTerminal {
    pub fn enter() -> RawTerminal {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok() {
            RAW_MODE.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        RawTerminal
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Leaves raw mode if we are in it. Safe to call more than once.
pub fn restore_terminal() {
    if RAW_MODE.swap(false, std::sync::atomic::Ordering::SeqCst) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Replaces the screen with `text` on a terminal; elsewhere (a pipe, a
/// log) appends it after a separator, so nothing is lost.
pub fn redraw(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut stdout = anstream::stdout();
    if std::io::stdout().is_terminal() {
        // Raw mode turns off the terminal's newline translation.
        let text = if RAW_MODE.load(std::sync::atomic::Ordering::SeqCst) {
            text.replace('\n', "\r\n")
        } else {
            text.to_string()
        };
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::Purge),
            crossterm::cursor::MoveTo(0, 0)
        );
        let _ = write!(stdout, "{text}");
    } else {
        let _ = write!(stdout, "{}\n{text}", "─".repeat(80));
    }
    let _ = stdout.flush();
}

/// Wraps prose at `width`, each line after `indent`, without ever breaking
/// inside a `code span` or at a hyphen: a hint that splits
/// `tokio::time::timeout(d, fut)` over two lines is hard to read and
/// impossible to copy.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    const GLUE: char = '\u{a0}';
    let mut glued = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        glued.push(if in_code && c == ' ' { GLUE } else { c });
    }
    let options = textwrap::Options::new(width)
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    textwrap::fill(&glued, options).replace(GLUE, " ")
}

/// Prints `text` on stdout. A reader that went away (`grader | head`) ends
/// the output quietly; any other failure to write (a full disk) is an error
/// that says so, never a panic.
pub fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::anyhow!("cannot write to standard output: {e}")),
        Ok(()) => Ok(()),
    }
}

/// [`print`], with a newline after `text`.
pub fn println(text: &str) -> anyhow::Result<()> {
    print(&format!("{text}\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_spans_and_hyphenated_words_are_never_split() {
        let hint = "Race the future against a sleep with `tokio::time::timeout(limit, future)` and \
                    a well-known pattern: `select! { biased; _ = a => 1, _ = b => 2 }`.";
        let wrapped = super::wrap(hint, 30, "  ");
        assert!(
            wrapped.contains("`tokio::time::timeout(limit, future)`"),
            "{wrapped}"
        );
        assert!(
            wrapped.contains("`select! { biased; _ = a => 1, _ = b => 2 }`"),
            "{wrapped}"
        );
        assert!(wrapped.contains("well-known"), "{wrapped}");
        assert!(wrapped.lines().all(|l| l.starts_with("  ")), "{wrapped}");
    }
}
