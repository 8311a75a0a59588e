//! The command line. Later commands extend it; what is here is a contract
//! (see README.md and docs/ci.md): `grader [KATA]...`, `--solutions`, `--format json`,
//! `verify`, exit 0 when all passed, 1 when not, 2 on a usage error.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "grader",
    version,
    long_version = crate::platform::long_version(),
    about = "Grades your Tokio Katas and tells you what to fix next.",
    after_help = "Examples:\n  cargo run -p grader              grade every kata\n  \
                  cargo run -p grader -- 07        only kata 07, in full detail\n  \
                  cargo run -p grader -- watch     grade again on every save\n  \
                  cargo run -p grader -- next      which kata is next, and what it teaches\n  \
                  cargo run -p grader -- hint 07   the next hint for kata 07\n  \
                  cargo run -p grader -- verify    instructors: prove every kata is sound",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub grade: Grade,
}

/// The default command: grade the katas. Its options belong to it alone;
/// each subcommand declares the few it takes, so `--help` never lists an
/// option that a command would ignore.
#[derive(Debug, clap::Args, Clone)]
pub struct Grade {
    /// Katas to grade, by number (07), slug (timeout) or both (07-timeout).
    /// Named katas are shown in full detail. Default: all of them.
    #[arg(value_name = "KATA")]
    pub katas: Vec<String>,

    /// Grade the reference solutions in solutions/ instead of your code.
    /// Your files are not touched.
    #[arg(long)]
    pub solutions: bool,

    /// Grade the solutions in DIR (laid out like solutions/: DIR/07-timeout/src/lib.rs).
    #[arg(long, value_name = "DIR")]
    pub solutions_dir: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub run: RunArgs,

    /// Grade a pull request: every grading file (tests, snapshots, manifests,
    /// Cargo.lock, toolchain, kata-support) comes from REF, its base; only
    /// katas/*/src/ from the working tree. Katas whose grading files differ
    /// from REF are reported `tampered`.
    #[arg(long, value_name = "REF", conflicts_with_all = ["solutions", "solutions_dir"])]
    pub trusted_ref: Option<String>,

    /// Grade for this assignment of assignments.toml: every kata is graded
    /// and reported, but only the assignment's katas are required (the exit
    /// status, Classroom's points). Default: the file's `current`; `all`
    /// requires every kata.
    #[arg(long, value_name = "NAME")]
    pub assignment: Option<String>,

    /// Also write a report to FILE (FORMAT: human, json, junit, classroom, html),
    /// from the same run. Give it once per report.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,
}

/// How tests are run, for the commands that run them.
#[derive(Debug, clap::Args, Clone)]
pub struct RunArgs {
    /// How many tests run at once (default: the number of CPUs).
    #[arg(long, short)]
    pub jobs: Option<usize>,

    /// Run every test, even those whose recorded verdict still holds
    /// (nothing they build or read has changed since).
    #[arg(long)]
    pub no_cache: bool,
}

/// What the commands that print a listing can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade, then grade again every time you save a kata's file.
    Watch {
        /// Start focused on this kata (number, slug or both).
        kata: Option<String>,
        /// Look for changes every half second instead of waiting for the
        /// system's file events (for folders where those never arrive:
        /// network drives, some containers). Watch also falls back to it
        /// on its own when events do not arrive.
        #[arg(long)]
        poll: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Which kata to work on next, and what it teaches.
    Next {
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Human)]
        format: TextOrJson,
    },
    /// Show the next hint for a kata (hint 1, then 2, ...).
    Hint {
        /// The kata (number, slug or both).
        kata: String,
        /// Show this hint again (one you have already seen) instead of the next.
        number: Option<usize>,
        /// Show every hint at once.
        #[arg(long, conflicts_with = "number")]
        all: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Human)]
        format: TextOrJson,
    },
    /// List every kata with its status from your last run, by chapter.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Human)]
        format: TextOrJson,
    },
    /// After passing a kata: its reference solution, or how yours differs.
    Solution {
        /// The kata (number, slug or both).
        kata: String,
        /// Show a diff of your src/lib.rs against the reference solution.
        #[arg(long)]
        diff: bool,
    },
    /// Put a kata's stub back (your version is backed up first).
    Reset {
        /// The kata (number, slug or both).
        kata: String,
        /// Do not ask before overwriting.
        #[arg(long, short)]
        yes: bool,
    },
    /// Instructors: check that every stub fails, every reference solution
    /// passes and every known-wrong solution fails.
    Verify {
        /// Only these katas (default: all).
        katas: Vec<String>,
        /// Delete each known-wrong solution's build once it is graded, a few
        /// katas at a time (for CI, where disk is short: ~1 GB less), and,
        /// with --mutants, the mutants' build at the end. The next verify
        /// builds them again.
        #[arg(long)]
        discard_builds: bool,
        /// Also run cargo-mutants on each reference solution against its
        /// kata's tests: every mutant must be caught, or recorded in
        /// kata.toml as equivalent (installs cargo-mutants if it is missing;
        /// takes minutes).
        #[arg(long)]
        mutants: bool,
        /// Take the solutions from DIR instead of solutions/.
        #[arg(long, value_name = "DIR")]
        solutions_dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Human)]
        format: TextOrJson,
        /// How many tests run at once (default: the number of CPUs).
        #[arg(long, short)]
        jobs: Option<usize>,
    },
    /// Authors: scaffold a new kata, numbered after the last one.
    New {
        /// The kata's slug: lowercase words joined by hyphens (select-loop).
        slug: String,
        /// The chapter it belongs to (its row goes in README's curriculum there).
        #[arg(long, default_value_t = 1)]
        chapter: u32,
        /// `todo` (the learner writes the code) or `fix` (the learner repairs it).
        #[arg(long, value_enum, default_value_t = NewKind::Todo)]
        kind: NewKind,
    },
    /// Maintainers: time the grader against raw cargo, side by side (the
    /// performance targets in docs/performance.md). Appends a comment to
    /// the kata's src/lib.rs while timing, then restores it.
    Bench {
        /// Timed runs of each command.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The kata whose edit-to-verdict (and watch save-to-verdict) is timed.
        #[arg(long, default_value = "07")]
        kata: String,
        /// Also time a first full grade in a fresh target directory against
        /// a cold `cargo test` (minutes).
        #[arg(long)]
        cold: bool,
    },
}

/// `new --kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Todo,
    Fix,
}

/// The subcommands' names, for "did you mean" when a kata name is a typo
/// of one.
pub fn command_names() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// `--report junit=grading.xml`.
pub fn parse_report(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=FILE, e.g. junit=grading.xml"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        format!("unknown report format `{format}`: use human, json, junit, classroom or html")
    })?;
    if file.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((format, PathBuf::from(file)))
}
