//! Code that has no place in a solution, found before anyone trusts a pass.
//!
//! The tests run in the submission's own process, so a submission written to
//! cheat can end that process before a test fails (`std::process::exit`),
//! forge libtest's log through `/proc` or the process's arguments, or bring
//! in code the tests never see (`include!`, `#[path]`, `extern`, `asm!`).
//! No grader that runs the code in-process can rule that out by running it.
//! So in trusted grading (a pull request, `--trusted-ref`) every kata's
//! `src/` is read first, and a kata whose code does any of these things is
//! reported `suspicious`: not passed, each line listed for the instructor
//! to look at. A kata that teaches one of them (files, for a kata about
//! files) allows it by name in its `kata.toml`: `allow_in_src = ["file writes"]`.
//!
//! This is a tripwire for the honest majority's rare cheat, not a proof:
//! code can hide from any text search. It errs towards flagging: a false
//! alarm costs an instructor a look, a missed cheat costs a grade's meaning.

use std::path::Path;

/// One kind of thing a solution has no reason to do.
pub struct Pattern {
    /// The name `allow_in_src` uses.
    pub name: &'static str,
    /// Any of these in a line of code (outside comments) is a finding.
    needles: &'static [&'static str],
    /// Whether a needle must stand as a whole word (`unsafe`, not `unsafe_op`).
    word: bool,
    /// Why it has no place in a solution, for the instructor.
    pub why: &'static str,
}

pub const PATTERNS: &[Pattern] = &[
    Pattern {
        name: "process exit",
        needles: &["process::exit", "process::abort"],
        word: false,
        why: "ends the test process itself, before a failing test can report",
    },
    Pattern {
        name: "process arguments",
        needles: &["env::args", "args_os"],
        word: false,
        why: "reads the test process's arguments (which test runs, where its log goes)",
    },
    Pattern {
        name: "proc files",
        needles: &["/proc/"],
        word: false,
        why: "reads or writes the process's own files under /proc",
    },
    Pattern {
        name: "unsafe",
        needles: &["unsafe"],
        word: true,
        why: "unsafe code: no kata needs it",
    },
    Pattern {
        name: "foreign code",
        needles: &["extern", "no_mangle", "asm!", "global_asm!"],
        word: true,
        why: "links or writes code outside Rust's checks",
    },
    Pattern {
        name: "other files",
        needles: &["include!", "include_str!", "include_bytes!", "#[path"],
        word: false,
        why: "brings in another file's contents at compile time",
    },
    Pattern {
        name: "file writes",
        needles: &[
            "File::create",
            "fs::write",
            "OpenOptions",
            "remove_file",
            "remove_dir",
            "create_dir",
            "fs::copy",
            "fs::rename",
            "set_permissions",
        ],
        word: false,
        why: "writes or deletes files (the tests', their snapshots, their logs)",
    },
];

/// Whether `name` is a pattern `allow_in_src` may name.
pub fn is_pattern(name: &str) -> bool {
    PATTERNS.iter().any(|p| p.name == name)
}

/// `src/lib.rs:12: std::process::exit(0); — ends the test process itself, …`
/// for every line of every `.rs` file under `src` that matches a pattern
/// not in `allowed`. Paths are shown relative to `src`'s parent.
pub fn scan(src: &Path, allowed: &[String]) -> Vec<String> {
    let mut files = Vec::new();
    collect_rs(src, &mut files);
    files.sort();
    let base = src.parent().unwrap_or(src);
    let mut findings = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(base)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (n, line) in text.lines().enumerate() {
            let code = strip_comment(line);
            for pattern in PATTERNS
                .iter()
                .filter(|p| !allowed.iter().any(|a| a == p.name))
            {
                if pattern
                    .needles
                    .iter()
                    .any(|needle| contains(code, needle, pattern.word))
                {
                    findings.push(format!(
                        "{shown}:{}: {} ({}: {})",
                        n + 1,
                        line.trim(),
                        pattern.name,
                        pattern.why
                    ));
                }
            }
        }
    }
    findings
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The line without a `//` comment. Erring towards flagging, a `//` inside
/// a string ends the code there too; a comment can hide nothing that runs.
fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    match line.find("//") {
        // `"/proc/..."` would lose its path: keep lines where the `//`
        // follows a quote that is still open.
        Some(at) if line[..at].matches('"').count().is_multiple_of(2) => &line[..at],
        _ => line,
    }
}

fn contains(code: &str, needle: &str, word: bool) -> bool {
    if !word {
        return code.contains(needle);
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(needle).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + needle.len()..].chars().next();
        let glued_before = before.is_some_and(is_word);
        let glued_after = after.is_some_and(is_word) && needle.ends_with(is_word);
        !glued_before && !glued_after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(text: &str, allowed: &[&str]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), text).unwrap();
        let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        scan(&dir.path().join("src"), &allowed)
    }

    #[test]
    fn every_pattern_is_found_with_its_line() {
        let cases = [
            ("pub fn f() { std::process::exit(0) }", "process exit"),
            ("pub fn f() { std::process::abort() }", "process exit"),
            (
                "pub fn f() -> usize { std::env::args().count() }",
                "process arguments",
            ),
            ("let a = std::env::args_os();", "process arguments"),
            (
                r#"let s = std::fs::read_to_string("/proc/self/cmdline");"#,
                "proc files",
            ),
            ("pub fn f() { unsafe { g() } }", "unsafe"),
            (r#"extern "C" { fn g(); }"#, "foreign code"),
            ("#[no_mangle] pub fn f() {}", "foreign code"),
            (r#"std::arch::asm!("nop");"#, "foreign code"),
            (r#"include!("../tests/grading.rs");"#, "other files"),
            (
                r#"const T: &str = include_str!("../tests/grading.rs");"#,
                "other files",
            ),
            (r#"#[path = "../tests/x.rs"] mod x;"#, "other files"),
            (
                r#"std::fs::write("tests/snapshots/a.snap", "x").unwrap();"#,
                "file writes",
            ),
            (r#"let f = std::fs::File::create("x");"#, "file writes"),
            (r#"tokio::fs::remove_file("x").await;"#, "file writes"),
        ];
        for (code, pattern) in cases {
            let text = format!("// a comment\n{code}\n");
            let found = scan_text(&text, &[]);
            assert_eq!(found.len(), 1, "{code}: {found:?}");
            assert!(found[0].starts_with("src/lib.rs:2: "), "{found:?}");
            assert!(found[0].contains(&format!("({pattern}: ")), "{found:?}");
        }
    }

    #[test]
    fn comments_words_that_merely_contain_a_needle_and_allowed_patterns_are_not_findings() {
        let text = "// std::process::exit(0) would end the process\n\
                    /// unsafe code is not needed here\n\
                    let unsafe_count = 0; let externally = 1; // not the keywords\n\
                    let x = 1; // unsafe in a trailing comment\n";
        assert_eq!(scan_text(text, &[]), Vec::<String>::new());
        let writes = "tokio::fs::write(&path, text).await?;\n";
        assert_eq!(scan_text(writes, &["file writes"]), Vec::<String>::new());
        assert_eq!(scan_text(writes, &[]).len(), 1);
    }

    #[test]
    fn no_reference_or_right_solution_is_flagged() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut checked = 0;
        for kata in std::fs::read_dir(root.join("solutions")).unwrap().flatten() {
            let meta = crate::course::kata_file::KataFile::load(
                &root.join("katas").join(kata.file_name()).join("kata.toml"),
            );
            let Ok(meta) = meta else { continue };
            let mut sources = vec![kata.path().join("src")];
            if let Ok(rights) = std::fs::read_dir(kata.path().join("right")) {
                for right in rights.flatten() {
                    let dir = tempfile::tempdir().unwrap();
                    std::fs::create_dir_all(dir.path().join("src")).unwrap();
                    std::fs::copy(right.path(), dir.path().join("src/lib.rs")).unwrap();
                    let found = scan(&dir.path().join("src"), &meta.allow_in_src);
                    assert!(found.is_empty(), "{}: {found:?}", right.path().display());
                    checked += 1;
                }
            }
            for src in sources.drain(..) {
                let found = scan(&src, &meta.allow_in_src);
                assert!(found.is_empty(), "{}: {found:?}", src.display());
                checked += 1;
            }
        }
        assert!(checked >= 31, "checked {checked} solutions");
    }
}
