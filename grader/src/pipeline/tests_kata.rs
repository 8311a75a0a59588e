//! Tests katas: the learner's tests must catch every mutant.
//!
//! In a kata of kind `tests` the learner writes the tests (`src/lib.rs` is
//! their test file) and the course gives the implementation. Passing on the
//! correct implementation only shows the tests accept correct code; tests
//! that assert nothing pass that too. So once they pass, the same tests run
//! against each of the kata's mutants (`mutants/*.rs`: the implementation
//! with one plausible bug). A mutant on which every test passes has
//! *survived*: the tests cannot tell it from correct code, and the kata is
//! not passed. Each mutant is reported as a test of its own,
//! `mutants::<name>`, caught or not, and one that survived is named in
//! words from its header (`//! Mutant: retries without waiting`).
//!
//! A test that waits in real time is no good either: on the paused clock a
//! test takes milliseconds, so one that takes longer is waiting for real.

use std::path::Path;
use std::time::Duration;

use super::plan::{Source, Subject, Variant};
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus, TestResult, TestStatus};

/// Real time a learner's test may take. Paused-clock tests take a few
/// milliseconds, even on a loaded machine; every kata's implementation waits
/// seconds in all, so a test that waits for real takes far longer.
pub const REAL_TIME_ALLOWED: Duration = Duration::from_millis(500);

/// For each subject that is a tests kata whose tests all passed, one
/// subject per mutant, with the index of the result it belongs to.
pub fn mutant_subjects<'a>(
    subjects: &[Subject<'a>],
    results: &[KataResult],
) -> Vec<(usize, Subject<'a>)> {
    let mut rounds = Vec::new();
    for (index, (subject, result)) in subjects.iter().zip(results).enumerate() {
        let kata = subject.kata;
        if !kata.is_tests_kata() || result.status != KataStatus::Passed {
            continue;
        }
        let tests = match &subject.source {
            Source::Working => None,
            Source::File(file) => Some(file.clone()),
            Source::Mutant { .. } => continue,
        };
        for mutant in &kata.mutants {
            rounds.push((
                index,
                Subject {
                    kata,
                    source: Source::Mutant {
                        lib: mutant.clone(),
                        tests: tests.clone(),
                    },
                    variant: Variant::Mutant(Box::new(subject.variant.clone()), name_of(mutant)),
                },
            ));
        }
    }
    rounds
}

fn name_of(mutant: &Path) -> String {
    mutant
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Adds what the learner's tests did to `mutant` (graded as `outcome`) to
/// the kata's `result`: caught, or survived (then the kata is not passed).
pub fn fold(result: &mut KataResult, kata: &Kata, mutant: &Path, outcome: &KataResult) {
    let name = name_of(mutant);
    let survived = outcome.status == KataStatus::Passed;
    let message = if survived {
        let what = std::fs::read_to_string(mutant)
            .ok()
            .and_then(|text| crate::course::kata_file::header(&text, "Mutant:"))
            .unwrap_or_else(|| format!("has the bug of mutants/{name}.rs"));
        format!(
            "your tests accept an implementation that {}: every one of them passed on it \
             (katas/{}/mutants/{name}.rs). Add a test that this implementation fails.",
            what.trim_end_matches('.'),
            kata.id
        )
    } else {
        String::new()
    };
    if survived && result.status == KataStatus::Passed {
        result.status = KataStatus::Failed;
    }
    result.tests.push(TestResult {
        name: format!("mutants::{name}"),
        status: if survived {
            TestStatus::Failed
        } else {
            TestStatus::Passed
        },
        message,
        output: String::new(),
        duration_ms: outcome.tests.iter().map(|t| t.duration_ms).sum(),
        duration_us: outcome.tests.iter().map(|t| t.duration_us).sum(),
        todo: false,
        timeline: None,
    });
}

/// Fails each of the learner's tests that passed but took longer than
/// [`REAL_TIME_ALLOWED`] of real time: it waits in real time.
pub fn fail_real_time_waits(kata: &Kata, tests: &mut [TestResult]) {
    let Some(target) = kata.learner_target() else {
        return;
    };
    let prefix = format!("{}::", target.name);
    for test in tests.iter_mut() {
        let took = Duration::from_micros(test.duration_us);
        if test.name.starts_with(&prefix)
            && test.status == TestStatus::Passed
            && took > REAL_TIME_ALLOWED
        {
            test.status = TestStatus::Failed;
            test.message = format!(
                "this test took {}ms of real time. On tokio's paused clock a test of async \
                 code takes a few milliseconds, whatever the durations it checks: this one \
                 waits in real time. Use #[tokio::test(start_paused = true)], never \
                 std::thread::sleep, and let the code's own timers move the clock.",
                took.as_millis()
            );
        }
    }
}
