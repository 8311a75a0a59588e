//! What running a kata's tests produced, before it is judged: the raw
//! material `run` hands to `grade` (and the verdict cache keeps).

use std::time::Duration;

use super::process::Finished;

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
