//! What a kata's result is worth: the one rule every report that shows
//! points uses (JSON, Classroom, the GitHub summary, JUnit).
//!
//! Points reward the learner's work, never the code they were given. A fix
//! kata's starter code runs, and can pass some tests before anyone touches
//! it (a compile check may hold on any code): `kata.toml` lists those in
//! `passes_on_starter` (`verify` keeps the list exact), and they earn
//! nothing. A kata is worth `points` (default 10), shared out by the other
//! tests, rounded down; the full points only when the kata passed; nothing
//! when it does not compile or its grading files were tampered with. An
//! untouched kata therefore scores 0.
//!
//! An assignment (`assignments.toml`) may be worth other points than its
//! katas add up to: each required kata then earns the same fraction of its
//! share of the assignment's points ([`toward`]), and katas outside it earn
//! nothing toward it.

use serde::Serialize;

use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::course::kata_file::DEFAULT_POINTS;
use crate::verdict::{KataResult, KataStatus, TestStatus};

/// Points earned out of the most a kata can earn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Points {
    pub points: u32,
    pub max_points: u32,
}

/// What `result` is worth, by its kata's `kata.toml` (among `katas`; a
/// kata that could not be read is worth the default and earns nothing).
pub fn of(katas: &[&Kata], result: &KataResult) -> Points {
    let kata = katas.iter().find(|k| k.id == result.id);
    let max_points = kata.and_then(|k| k.meta.points).unwrap_or(DEFAULT_POINTS);
    let on_starter = kata.map_or(&[][..], |k| k.meta.passes_on_starter.as_slice());
    Points {
        points: earned(result, max_points, on_starter),
        max_points,
    }
}

/// The sum over a run.
pub fn total(katas: &[&Kata], results: &[KataResult]) -> Points {
    results.iter().map(|r| of(katas, r)).fold(
        Points {
            points: 0,
            max_points: 0,
        },
        |sum, p| Points {
            points: sum.points + p.points,
            max_points: sum.max_points + p.max_points,
        },
    )
}

/// What `result` earns toward `assignment`, out of the kata's share of the
/// assignment's points: floor(share × earned / max), the whole share only
/// when the kata passed. `None` for a kata the assignment does not require.
pub fn toward(katas: &[&Kata], result: &KataResult, assignment: &Assignment) -> Option<Points> {
    let share = assignment.share(&result.id)?;
    let own = of(katas, result);
    let points = match result.status {
        KataStatus::Passed => share,
        // Never the whole share: `own.points` is below `own.max_points`.
        _ => (u64::from(own.points) * u64::from(share) / u64::from(own.max_points.max(1))) as u32,
    };
    Some(Points {
        points,
        max_points: share,
    })
}

/// What a run earned toward `assignment`, out of the assignment's points
/// (a required kata that was not graded earns nothing).
pub fn toward_total(katas: &[&Kata], results: &[KataResult], assignment: &Assignment) -> Points {
    Points {
        points: results
            .iter()
            .filter_map(|r| toward(katas, r, assignment))
            .map(|p| p.points)
            .sum(),
        max_points: assignment.points,
    }
}

/// floor(max × passed / counted), where `counted` are the tests not in
/// `passes_on_starter` and `passed` those of them that passed; `max` only
/// when the kata passed, at most `max − 1` otherwise.
pub fn earned(result: &KataResult, max: u32, passes_on_starter: &[String]) -> u32 {
    if matches!(
        result.status,
        KataStatus::Tampered | KataStatus::Suspicious | KataStatus::CompileError
    ) {
        return 0;
    }
    if result.status == KataStatus::Passed {
        return max;
    }
    let counted: Vec<_> = result
        .tests
        .iter()
        .filter(|t| !passes_on_starter.contains(&t.name))
        .collect();
    if counted.is_empty() {
        return 0;
    }
    let passed = counted
        .iter()
        .filter(|t| t.status == TestStatus::Passed)
        .count() as u64;
    let share = u64::from(max) * passed / counted.len() as u64;
    (share as u32).min(max.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::tests::result;
    use TestStatus::{Failed, Passed};

    const FIX: [&str; 7] = [
        "grading::a",
        "grading::b",
        "grading::c",
        "grading::d",
        "grading::e",
        "grading::f",
        "grading::g",
    ];

    fn on_starter() -> Vec<String> {
        vec!["grading::b".into(), "grading::e".into()]
    }

    /// A run of the seven tests where `passing` pass.
    fn run(status: KataStatus, passing: &[&str]) -> KataResult {
        let tests: Vec<(&str, TestStatus)> = FIX
            .iter()
            .map(|t| (*t, if passing.contains(t) { Passed } else { Failed }))
            .collect();
        result(status, &tests)
    }

    #[test]
    fn an_untouched_fix_kata_whose_starter_passes_two_of_seven_tests_scores_nothing() {
        let untouched = run(KataStatus::Failed, &["grading::b", "grading::e"]);
        assert_eq!(earned(&untouched, 10, &on_starter()), 0);
        // Without the list, the starter's passes would have earned 2 points.
        assert_eq!(earned(&untouched, 10, &[]), 2);
    }

    #[test]
    fn every_test_passed_scores_full_points() {
        let solved = run(KataStatus::Passed, &FIX);
        assert_eq!(earned(&solved, 10, &on_starter()), 10);
        assert_eq!(earned(&solved, 10, &[]), 10);
    }

    #[test]
    fn partial_work_earns_its_share_of_the_learner_s_tests_rounded_down() {
        // 3 of the 5 tests that count: floor(10 × 3 / 5) = 6.
        let partial = run(
            KataStatus::Failed,
            &[
                "grading::a",
                "grading::b",
                "grading::c",
                "grading::d",
                "grading::e",
            ],
        );
        assert_eq!(earned(&partial, 10, &on_starter()), 6);
        // floor(7 × 1 / 5) = 1.
        let one = run(KataStatus::Failed, &["grading::a"]);
        assert_eq!(earned(&one, 7, &on_starter()), 1);
    }

    #[test]
    fn full_points_only_for_a_kata_that_passed() {
        // Every counted test passes but one the starter passed now fails
        // (the learner broke it): not passed, so one point short.
        let broke_one = run(
            KataStatus::Failed,
            &[
                "grading::a",
                "grading::c",
                "grading::d",
                "grading::f",
                "grading::g",
            ],
        );
        assert_eq!(earned(&broke_one, 10, &on_starter()), 9);
        // Every test passed, but a grading file was edited: not passed.
        let edited = run(KataStatus::Failed, &FIX);
        assert_eq!(earned(&edited, 10, &on_starter()), 9);
    }

    /// An assignment of 07 (worth 10 by default) and 08, worth `points`.
    fn assignment(points: u32) -> Assignment {
        let course = [
            ("07-timeout".to_string(), 10),
            ("08-deadline-retry".to_string(), 10),
        ];
        let text = format!(
            "[assignment.week-2]\nkatas = [\"07-timeout\", \"08-deadline-retry\"]\npoints = {points}\n"
        );
        crate::course::assignments::parse(&text, "assignments.toml", &course)
            .unwrap()
            .sets["week-2"]
            .clone()
    }

    #[test]
    fn toward_an_assignment_a_kata_earns_the_same_fraction_of_its_share() {
        // 07 is worth 15 of week-2's 30 points.
        let week = assignment(30);
        let solved = run(KataStatus::Passed, &FIX);
        assert_eq!(
            toward(&[], &solved, &week).unwrap(),
            Points {
                points: 15,
                max_points: 15
            }
        );
        // 5 of 7 tests: 7 of its own 10 points, floor(15 × 7 / 10) = 10.
        let partial = run(KataStatus::Failed, &FIX[..5]);
        assert_eq!(of(&[], &partial).points, 7);
        assert_eq!(toward(&[], &partial, &week).unwrap().points, 10);
        // Every test passed but not passed (an edited grading file): never
        // the whole share, however the share rounds.
        let edited = run(KataStatus::Failed, &FIX);
        for points in 2..50 {
            let week = assignment(points);
            let got = toward(&[], &edited, &week).unwrap();
            assert!(got.points < got.max_points, "{got:?} of {points}");
        }
        // Outside the assignment: nothing toward it.
        let mut other = solved.clone();
        other.id = "25-no-thread-sleep".into();
        assert_eq!(toward(&[], &other, &week), None);
        assert_eq!(
            toward_total(&[], &[solved, partial, other], &week),
            Points {
                points: 25,
                max_points: 30
            }
        );
    }

    #[test]
    fn tampered_or_not_compiling_earns_nothing() {
        let tampered = run(KataStatus::Tampered, &FIX);
        assert_eq!(earned(&tampered, 10, &[]), 0);
        let broken = result(KataStatus::CompileError, &[("grading", TestStatus::NotRun)]);
        assert_eq!(earned(&broken, 10, &[]), 0);
        let ungradable = result(KataStatus::Failed, &[]);
        assert_eq!(earned(&ungradable, 10, &[]), 0);
    }
}
