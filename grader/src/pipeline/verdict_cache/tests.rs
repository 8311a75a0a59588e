//! The verdict cache's own tests: keys move with every input, and only
//! sound outcomes are kept.

use super::*;

struct Fixture {
    root: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Fixture {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let kata = root.path().join("katas/07-timeout");
        std::fs::create_dir_all(kata.join("src")).unwrap();
        std::fs::create_dir_all(kata.join("tests/snapshots")).unwrap();
        std::fs::create_dir_all(kata.join("tests/compile_fail")).unwrap();
        std::fs::write(kata.join("src/lib.rs"), "pub fn f() {}").unwrap();
        std::fs::write(kata.join("kata.toml"), "title = 'x'").unwrap();
        std::fs::write(kata.join("tests/snapshots/a.snap"), "1").unwrap();
        std::fs::write(kata.join("tests/compile_fail/a.rs"), "fn main() {}").unwrap();
        std::fs::write(kata.join("tests/compile_fail/a.stderr"), "error").unwrap();
        std::fs::write(root.path().join("Cargo.toml"), "[workspace]").unwrap();
        std::fs::write(root.path().join("test-binary"), "ELF").unwrap();
        std::fs::write(root.path().join("variant.rs"), "pub fn f() {}").unwrap();
        Fixture {
            root,
            env: vec![("CI".into(), "true".into())],
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    fn key_with(&self, lib: Option<&Path>, limit: u64) -> String {
        let kata = self.path("katas/07-timeout");
        let binary = self.path("test-binary");
        context_key(&Inputs {
            binary: &binary,
            kata_dir: &kata,
            lib_source: lib,
            manifest_dir: &kata,
            repo_root: self.root.path(),
            limit: Duration::from_secs(limit),
            env: &self.env,
        })
        .expect("every input is readable")
    }

    fn key(&self) -> String {
        self.key_with(None, 5)
    }
}

#[test]
fn the_same_inputs_give_the_same_key() {
    let f = Fixture::new();
    assert_eq!(f.key(), f.key());
}

#[test]
fn a_changed_grading_file_misses() {
    for file in [
        "katas/07-timeout/tests/snapshots/a.snap",
        "katas/07-timeout/tests/compile_fail/a.stderr",
        "katas/07-timeout/tests/compile_fail/a.rs",
        "katas/07-timeout/kata.toml",
        "katas/07-timeout/src/lib.rs",
        "Cargo.toml",
    ] {
        let f = Fixture::new();
        let before = f.key();
        std::fs::write(f.path(file), "changed").unwrap();
        assert_ne!(before, f.key(), "{file} changed but the key did not");
    }
}

#[test]
fn a_new_file_in_the_kata_misses() {
    let f = Fixture::new();
    let before = f.key();
    std::fs::write(f.path("katas/07-timeout/tests/snapshots/b.snap.new"), "x").unwrap();
    assert_ne!(before, f.key());
}

#[test]
fn the_kata_s_own_target_folder_is_ignored() {
    let f = Fixture::new();
    let before = f.key();
    std::fs::create_dir_all(f.path("katas/07-timeout/target")).unwrap();
    std::fs::write(f.path("katas/07-timeout/target/junk"), "x").unwrap();
    assert_eq!(before, f.key());
}

#[test]
fn a_changed_variant_source_misses() {
    let f = Fixture::new();
    let lib = f.path("variant.rs");
    let before = f.key_with(Some(&lib), 5);
    std::fs::write(&lib, "pub fn f() { todo!() }").unwrap();
    assert_ne!(before, f.key_with(Some(&lib), 5));
}

#[test]
fn a_rebuilt_binary_misses_even_with_the_same_size() {
    let f = Fixture::new();
    let before = f.key();
    let binary = f.path("test-binary");
    // Same size, new file: what cargo does when it relinks.
    std::fs::remove_file(&binary).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    std::fs::write(&binary, "ELG").unwrap();
    assert_ne!(before, f.key());
}

#[test]
fn a_different_limit_or_environment_misses() {
    let mut f = Fixture::new();
    let before = f.key();
    assert_ne!(before, f.key_with(None, 6));
    f.env.push(("RUSTFLAGS".into(), "-Dwarnings".into()));
    assert_ne!(before, f.key());
}

#[test]
fn a_missing_input_is_uncacheable() {
    let f = Fixture::new();
    std::fs::remove_file(f.path("test-binary")).unwrap();
    let kata = f.path("katas/07-timeout");
    let binary = f.path("test-binary");
    assert!(
        context_key(&Inputs {
            binary: &binary,
            kata_dir: &kata,
            lib_source: None,
            manifest_dir: &kata,
            repo_root: f.root.path(),
            limit: Duration::from_secs(5),
            env: &f.env,
        })
        .is_none()
    );
}

#[test]
fn pruning_keeps_the_most_recently_used_entries() {
    let dir = tempfile::tempdir().unwrap();
    let test = raw(Exit::Code(0), Some("ok"));
    let keys: Vec<String> = (0..5)
        .map(|i| format!("{i:02}{}", "a".repeat(62)))
        .collect();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    for (i, key) in keys.iter().enumerate() {
        store(dir.path(), key, &test);
        let file = std::fs::File::options()
            .append(true)
            .open(entry_path(dir.path(), key))
            .unwrap();
        file.set_modified(old + Duration::from_secs(i as u64))
            .unwrap();
    }
    // Reading the oldest makes it the youngest.
    assert!(load(dir.path(), &keys[0], "t", "n", Duration::from_secs(1)).is_some());
    prune(dir.path(), 3);
    let kept: Vec<bool> = keys
        .iter()
        .map(|k| entry_path(dir.path(), k).exists())
        .collect();
    assert_eq!(kept, [true, false, false, true, true]);
}

fn raw(exit: Exit, logged: Option<&str>) -> RawTest {
    RawTest {
        target: "grading".into(),
        name: "t".into(),
        limit: Duration::from_secs(5),
        finished: Finished {
            exit,
            stdout: b"out".to_vec(),
            stderr: b"thread panicked".to_vec(),
            truncated: false,
            // Under a millisecond, as a share of a run together often is.
            elapsed: Duration::from_micros(808),
        },
        logged: logged.map(str::to_string),
    }
}

#[test]
fn passed_and_failed_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    for (key, logged, code) in [("aa01", Some("ok"), 0), ("bb02", Some("failed"), 101)] {
        store(dir.path(), key, &raw(Exit::Code(code), logged));
        let back = load(dir.path(), key, "grading", "t", Duration::from_secs(5)).unwrap();
        assert_eq!(back.finished.exit, Exit::Code(code));
        assert_eq!(back.logged.as_deref(), logged);
        assert_eq!(back.finished.stderr, b"thread panicked");
        // A replay reports the time the test took when it ran.
        assert_eq!(back.finished.elapsed, Duration::from_micros(808));
    }
}

#[test]
fn timeouts_crashes_and_ignored_tests_are_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    store(dir.path(), "aa01", &raw(Exit::TimedOut, None));
    store(dir.path(), "aa02", &raw(Exit::Signal(6), None));
    store(dir.path(), "aa03", &raw(Exit::Code(0), Some("ignored")));
    for key in ["aa01", "aa02", "aa03"] {
        assert!(load(dir.path(), key, "grading", "t", Duration::from_secs(5)).is_none());
    }
}

#[test]
fn a_corrupt_or_misplaced_entry_is_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    store(dir.path(), "aa01", &raw(Exit::Code(0), Some("ok")));
    let path = entry_path(dir.path(), "aa01");
    std::fs::write(&path, "{not json").unwrap();
    assert!(load(dir.path(), "aa01", "grading", "t", Duration::from_secs(5)).is_none());
    // An entry copied under another key does not answer for it.
    store(dir.path(), "aa02", &raw(Exit::Code(0), Some("ok")));
    let other = entry_path(dir.path(), "aa03");
    std::fs::copy(entry_path(dir.path(), "aa02"), &other).unwrap();
    assert!(load(dir.path(), "aa03", "grading", "t", Duration::from_secs(5)).is_none());
}
