//! `assignments.toml`: which katas an assignment requires.
//!
//! A class does not take on all the katas at once: an instructor gives a
//! few each week, and a pull request should pass once *those* pass. The
//! file at the repository's root names each set of katas, what it is worth
//! and when it is due, and which set is `current`:
//!
//! ```toml
//! current = "week-2"
//!
//! [assignment.week-1]
//! katas = ["01-lazy-futures", "02-runtime-by-hand"]
//! points = 30          # optional: default, the katas' kata.toml points added up
//! due = "2026-12-14"   # optional, shown in the reports
//! ```
//!
//! Every kata is still graded and reported; only the assignment's katas are
//! required (the exit status, Classroom's points, CI's check). Without the
//! file every kata is required, as before the file existed.
//!
//! The file decides what passes, so it is a grading file: under
//! `--trusted-ref` it is read from the ref's copy of the course, never from
//! the student's working tree (a student could otherwise require nothing).
//! It is checked against the course's katas as it is read, so a typo is an
//! error that names the file, never a kata silently left out.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::app::UsageError;
use crate::course::discover::Repo;
use crate::course::kata_file::DEFAULT_POINTS;

/// The file's name, at the repository's root.
pub const FILE: &str = "assignments.toml";

/// `--assignment all`: every kata is required, whatever `current` says.
pub const ALL: &str = "all";

/// One set of katas, checked against the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    /// Kata ids (`07-timeout`), in the file's order.
    pub katas: Vec<String>,
    /// What the whole set is worth.
    pub points: u32,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Each kata's part of `points`, in the order of `katas`.
    shares: Vec<u32>,
}

impl Assignment {
    /// Whether the kata `id` is one the assignment requires.
    pub fn requires(&self, id: &str) -> bool {
        self.katas.iter().any(|k| k == id)
    }

    /// What the kata `id` is worth toward the assignment: its `kata.toml`
    /// points, scaled so that the set's katas add up to its `points`.
    /// `None` for a kata the assignment does not require.
    pub fn share(&self, id: &str) -> Option<u32> {
        let at = self.katas.iter().position(|k| k == id)?;
        Some(self.shares[at])
    }

    /// `week-2 (due 2026-12-14)`, for reports.
    pub fn describe(&self) -> String {
        match &self.due {
            Some(due) => format!("{} (due {due})", self.name),
            None => self.name.clone(),
        }
    }
}

/// The whole file, checked against the course.
#[derive(Debug, Clone)]
pub struct Assignments {
    /// The set a run grades when none is asked for.
    pub current: Option<String>,
    /// By name.
    pub sets: BTreeMap<String, Assignment>,
    /// Where the file came from, for messages: its path, or the trusted ref.
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    current: Option<String>,
    #[serde(default)]
    assignment: BTreeMap<String, RawAssignment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssignment {
    katas: Vec<String>,
    points: Option<u32>,
    /// A string (`"2026-12-14"`) or a TOML date (`2026-12-14`).
    due: Option<toml::Value>,
}

/// Reads `assignments.toml` from the root of `repo` (the course that is
/// graded: under `--trusted-ref`, the ref's copy), checked against its
/// katas; `None` when there is no such file. `origin` says where the file
/// came from in messages (`assignments.toml at the trusted ref main`).
pub fn load(repo: &Repo, origin: &str) -> Result<Option<Assignments>> {
    let path = repo.root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {origin}")),
    };
    parse(&text, origin, &course_points(repo)).map(Some)
}

/// Where `repo`'s file is, for messages about it.
pub fn path_of(repo: &Repo) -> String {
    repo.root.join(FILE).display().to_string()
}

/// Every kata folder of the course with its `kata.toml` points, those whose
/// folder cannot be graded included: an assignment may name a kata that is
/// broken today, and grading reports it failed.
fn course_points(repo: &Repo) -> Vec<(String, u32)> {
    let katas = repo
        .katas
        .iter()
        .map(|k| (k.id.clone(), k.meta.points.unwrap_or(DEFAULT_POINTS)));
    let broken = repo.problems.iter().map(|p| {
        let points = p.meta.as_ref().and_then(|m| m.points);
        (p.id.clone(), points.unwrap_or(DEFAULT_POINTS))
    });
    let mut all: Vec<(String, u32)> = katas.chain(broken).collect();
    all.sort();
    all
}

/// Parses and checks the file's `text` against the course's katas, each
/// `(id, points)`. Every error names `origin` and says what to change.
pub fn parse(text: &str, origin: &str, katas: &[(String, u32)]) -> Result<Assignments> {
    let mut file = parse_checked(text, katas)
        .map_err(|e| UsageError(format!("{origin} is not right: {e:#}")))?;
    file.origin = origin.to_string();
    Ok(file)
}

fn parse_checked(text: &str, katas: &[(String, u32)]) -> Result<Assignments> {
    // toml's own errors name the line and the field.
    let raw: RawFile = toml::from_str(text)?;
    if raw.assignment.is_empty() {
        bail!(
            "it defines no assignment. Add one, e.g.\n  [assignment.week-1]\n  katas = [\"{}\"]\n\
             or delete the file to require every kata",
            katas.first().map_or("01-...", |(id, _)| id.as_str())
        );
    }
    let mut sets = BTreeMap::new();
    for (name, set) in raw.assignment {
        let assignment =
            check_assignment(&name, set, katas).with_context(|| format!("[assignment.{name}]"))?;
        sets.insert(name, assignment);
    }
    if let Some(current) = &raw.current
        && current != ALL
        && !sets.contains_key(current)
    {
        bail!(
            "`current = \"{current}\"` names no assignment{}. The assignments are {}",
            did_you_mean(current, sets.keys()),
            names(sets.keys())
        );
    }
    Ok(Assignments {
        current: raw.current.filter(|c| c != ALL),
        sets,
        origin: String::new(),
    })
}

fn check_assignment(
    name: &str,
    raw: RawAssignment,
    course: &[(String, u32)],
) -> Result<Assignment> {
    if name == ALL {
        bail!("`{ALL}` cannot name an assignment: `--assignment {ALL}` means every kata");
    }
    if raw.katas.is_empty() {
        bail!(
            "`katas` is empty: list the kata ids it requires, e.g. katas = [\"{}\"]",
            course.first().map_or("01-...", |(id, _)| id.as_str())
        );
    }
    let mut weights = Vec::new();
    for (i, id) in raw.katas.iter().enumerate() {
        if raw.katas[..i].contains(id) {
            bail!("`katas` lists `{id}` twice");
        }
        match course.iter().find(|(k, _)| k == id) {
            Some((_, points)) => weights.push(*points),
            None => bail!("{}", unknown_kata(id, course)),
        }
    }
    if raw.points == Some(0) {
        bail!("`points` must be at least 1 (leave it out to add up the katas' own points)");
    }
    let points = raw.points.unwrap_or_else(|| weights.iter().sum());
    Ok(Assignment {
        name: name.to_string(),
        shares: shares(points, &weights),
        katas: raw.katas,
        points,
        due: raw.due.map(|d| due_date(&d)).transpose()?,
    })
}

/// There is no kata `id`: the id it was probably meant to be, and the ids
/// there are.
fn unknown_kata(id: &str, course: &[(String, u32)]) -> String {
    let ids = || course.iter().map(|(k, _)| k.as_str());
    // `07`, `7` or `timeout` for `07-timeout`: the kata is clear, its
    // spelling is not the folder's.
    let number = id.parse::<u32>().ok();
    let named = ids().find(|k| {
        crate::course::discover::parse_kata_dir_name(k)
            .is_some_and(|(n, slug)| Some(n) == number || slug == id)
    });
    let hint = match named {
        Some(k) => format!(": write the kata's folder name, `{k}`"),
        None => did_you_mean(id, ids()),
    };
    format!(
        "`katas` names `{id}`, which is not a kata in katas/{hint}. The katas are: {}",
        ids().collect::<Vec<_>>().join(", ")
    )
}

/// ` (did you mean `week-1`?)`, or nothing when no name is close.
fn did_you_mean<'a>(wanted: &str, names: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    let best = names
        .map(|n| {
            let n = n.as_ref().to_string();
            (strsim::jaro_winkler(wanted, &n), n)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, name)) => format!(" (did you mean `{name}`?)"),
        None => String::new(),
    }
}

/// `week-1, week-2`.
fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `total` shared out in proportion to `weights`, rounded down, the points
/// left over going to the largest remainders (the first kata on a tie), so
/// that the parts always add up to `total`.
fn shares(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(u64, u64)> = weights
        .iter()
        .map(|w| {
            let scaled = u64::from(total) * u64::from(*w);
            (scaled / sum, scaled % sum)
        })
        .collect();
    let mut parts: Vec<u32> = exact.iter().map(|(q, _)| *q as u32).collect();
    let left = total - parts.iter().sum::<u32>();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1));
    for &i in by_remainder.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

/// `due`, written `"2026-12-14"` or as a TOML date, as `2026-12-14`.
fn due_date(value: &toml::Value) -> Result<String> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        other => bail!("`due = {other}` is not a date: write it as due = \"2026-12-14\""),
    };
    // Exactly year-month-day, and a day the calendar has.
    let valid = text.len() == 10 && chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok();
    if !valid {
        bail!("`due = \"{text}\"` is not a date: write it as year-month-day, due = \"2026-12-14\"");
    }
    Ok(text)
}

impl Assignments {
    /// The assignment a run grades: `wanted` (`--assignment NAME`), else
    /// `current`; `None` when every kata is required (`--assignment all`,
    /// or no `current`).
    pub fn choose(&self, wanted: Option<&str>) -> Result<Option<&Assignment>> {
        let name = match wanted {
            Some(ALL) => return Ok(None),
            Some(name) => name,
            None => match &self.current {
                Some(current) => current.as_str(),
                None => return Ok(None),
            },
        };
        self.sets.get(name).map(Some).ok_or_else(|| {
            UsageError(format!(
                "--assignment {name}: there is no such assignment in {}{}. The assignments \
                 are {}, or `{ALL}` for every kata",
                self.origin,
                did_you_mean(name, self.sets.keys()),
                names(self.sets.keys())
            ))
            .into()
        })
    }
}

/// The assignment a run grades, from the course's file (`None` when there
/// is no file): `--assignment NAME` needs the file, except `all`.
pub fn choose(
    file: Option<&Assignments>,
    wanted: Option<&str>,
    origin: &str,
) -> Result<Option<Assignment>> {
    match (file, wanted) {
        (Some(file), wanted) => Ok(file.choose(wanted)?.cloned()),
        (None, None | Some(ALL)) => Ok(None),
        (None, Some(name)) => Err(UsageError(format!(
            "--assignment {name}: the course has no assignments ({origin} does not exist), so \
             every kata is required. Leave out --assignment, or ask your instructor which katas \
             are due; instructors define assignments in that file (docs/ci.md, \"Assignments\")"
        ))
        .into()),
    }
}

/// Reads the course's assignments and picks the one a run grades, with
/// `origin` naming the file in messages.
pub fn for_run(repo: &Repo, wanted: Option<&str>, origin: &str) -> Result<Option<Assignment>> {
    choose(load(repo, origin)?.as_ref(), wanted, origin)
}

/// Checks the course's file, if it has one, for `verify`: the same checks
/// grading makes, without grading anything.
pub fn check(repo: &Repo) -> Result<()> {
    load(repo, &path_of(repo)).map(|_| ())
}

/// `parse` against a small course, for tests.
#[cfg(test)]
fn parse_str(text: &str) -> Result<Assignments> {
    parse(text, "assignments.toml", &course())
}

#[cfg(test)]
fn course() -> Vec<(String, u32)> {
    [
        ("01-lazy-futures", 10),
        ("02-runtime-by-hand", 10),
        ("07-timeout", 20),
    ]
    .iter()
    .map(|(id, p)| (id.to_string(), *p))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
current = "week-2"

[assignment.week-1]
katas = ["01-lazy-futures", "02-runtime-by-hand"]
due = "2026-12-14"

[assignment.week-2]
katas = ["07-timeout", "01-lazy-futures"]
points = 100
due = 2026-12-21
"#;

    fn refusal(text: &str) -> String {
        format!("{:#}", parse_str(text).unwrap_err())
    }

    #[test]
    fn parses_sets_their_points_and_due_dates() {
        let file = parse_str(GOOD).unwrap();
        assert_eq!(file.current.as_deref(), Some("week-2"));
        let one = &file.sets["week-1"];
        assert_eq!(one.katas, ["01-lazy-futures", "02-runtime-by-hand"]);
        // No `points`: the katas' own, added up.
        assert_eq!(one.points, 20);
        assert_eq!(one.share("02-runtime-by-hand"), Some(10));
        assert_eq!(one.due.as_deref(), Some("2026-12-14"));
        assert_eq!(one.describe(), "week-1 (due 2026-12-14)");
        let two = &file.sets["week-2"];
        // 100 points over 20 + 10: two thirds and one third, adding up.
        assert_eq!(two.share("07-timeout"), Some(67));
        assert_eq!(two.share("01-lazy-futures"), Some(33));
        assert_eq!(two.share("02-runtime-by-hand"), None);
        assert!(two.requires("07-timeout") && !two.requires("02-runtime-by-hand"));
        assert_eq!(
            two.due.as_deref(),
            Some("2026-12-21"),
            "a TOML date works too"
        );
    }

    #[test]
    fn shares_always_add_up_to_the_set_s_points() {
        assert_eq!(shares(30, &[10, 10, 10]), [10, 10, 10]);
        assert_eq!(shares(10, &[10, 10, 10]), [4, 3, 3]);
        assert_eq!(shares(7, &[1, 1, 5]), [1, 1, 5]);
        for total in 1..60 {
            for weights in [&[10, 10, 10][..], &[3, 7], &[1, 2, 3, 4, 5], &[10]] {
                let parts = shares(total, weights);
                assert_eq!(parts.iter().sum::<u32>(), total, "{total} over {weights:?}");
            }
        }
    }

    #[test]
    fn choosing_an_assignment() {
        let file = parse_str(GOOD).unwrap();
        let name = |wanted| file.choose(wanted).unwrap().map(|a| a.name.clone());
        assert_eq!(name(None).as_deref(), Some("week-2"), "current");
        assert_eq!(name(Some("week-1")).as_deref(), Some("week-1"));
        assert_eq!(name(Some("all")), None, "every kata, whatever current says");
        let err = format!("{:#}", file.choose(Some("week-3")).unwrap_err());
        assert!(
            err.contains("`week-1`, `week-2`") && err.contains("`all`"),
            "{err}"
        );
        let err = format!("{:#}", file.choose(Some("wek-1")).unwrap_err());
        assert!(err.contains("did you mean `week-1`"), "{err}");

        let no_current = parse_str(&GOOD.replace("current = \"week-2\"", "")).unwrap();
        assert!(no_current.choose(None).unwrap().is_none());
        // No file at all: every kata, unless a set is asked for by name.
        assert_eq!(choose(None, None, "x").unwrap(), None);
        assert_eq!(choose(None, Some("all"), "x").unwrap(), None);
        let err = format!(
            "{:#}",
            choose(None, Some("week-1"), "/c/assignments.toml").unwrap_err()
        );
        assert!(err.contains("/c/assignments.toml does not exist"), "{err}");
    }

    #[test]
    fn an_unknown_kata_is_named_with_the_one_meant_and_the_ones_there_are() {
        let typo = refusal(&GOOD.replace("\"07-timeout\"", "\"07-timout\""));
        assert!(typo.contains("assignments.toml"), "{typo}");
        assert!(typo.contains("[assignment.week-2]"), "{typo}");
        assert!(typo.contains("`07-timout`"), "{typo}");
        assert!(typo.contains("did you mean `07-timeout`"), "{typo}");
        assert!(
            typo.contains("01-lazy-futures, 02-runtime-by-hand, 07-timeout"),
            "{typo}"
        );
        let number = refusal(&GOOD.replace("\"07-timeout\"", "\"07\""));
        assert!(number.contains("folder name, `07-timeout`"), "{number}");
        let slug = refusal(&GOOD.replace("\"07-timeout\"", "\"timeout\""));
        assert!(slug.contains("folder name, `07-timeout`"), "{slug}");
        let nothing_close = refusal(&GOOD.replace("\"07-timeout\"", "\"99-zzz\""));
        assert!(!nothing_close.contains("did you mean"), "{nothing_close}");
    }

    #[test]
    fn mistakes_in_the_file_are_refused_with_what_to_do() {
        let current = refusal(&GOOD.replace("current = \"week-2\"", "current = \"week-3\""));
        assert!(
            current.contains("`current = \"week-3\"` names no assignment")
                && current.contains("`week-1`, `week-2`"),
            "{current}"
        );
        let empty = refusal(&GOOD.replace(
            "katas = [\"07-timeout\", \"01-lazy-futures\"]",
            "katas = []",
        ));
        assert!(
            empty.contains("[assignment.week-2]") && empty.contains("`katas` is empty"),
            "{empty}"
        );
        let twice = refusal(&GOOD.replace(
            "\"07-timeout\", \"01-lazy-futures\"",
            "\"07-timeout\", \"07-timeout\"",
        ));
        assert!(twice.contains("twice"), "{twice}");
        let date = refusal(&GOOD.replace("\"2026-12-14\"", "\"14/12/2026\""));
        assert!(
            date.contains("\"14/12/2026\"") && date.contains("\"2026-12-14\""),
            "{date}"
        );
        let no_such_day = refusal(&GOOD.replace("\"2026-12-14\"", "\"2026-02-30\""));
        assert!(no_such_day.contains("not a date"), "{no_such_day}");
        let leap = parse_str(&GOOD.replace("\"2026-12-14\"", "\"2028-02-29\""));
        assert!(leap.is_ok());
        let zero = refusal(&GOOD.replace("points = 100", "points = 0"));
        assert!(zero.contains("at least 1"), "{zero}");
        let unknown_field = refusal(&GOOD.replace("points = 100", "pionts = 100"));
        assert!(unknown_field.contains("pionts"), "{unknown_field}");
        let reserved = refusal("[assignment.all]\nkatas = [\"07-timeout\"]\n");
        assert!(reserved.contains("--assignment all"), "{reserved}");
        let none = refusal("current = \"week-1\"\n");
        assert!(none.contains("defines no assignment"), "{none}");
    }
}
