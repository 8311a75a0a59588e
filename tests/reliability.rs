//! Reliability (issue 7): hostile and broken submissions, bypasses and
//! interrupts, each generated from a real kata's reference solution and
//! graded by the real grader.
//!
//! Hostile code is injected into copies of `solutions/NN/src/lib.rs` and
//! graded with `--solutions-dir`, so `katas/` is never written. Each injected
//! behaviour fires in one named test only (it checks the test name libtest
//! was given), so one grading run covers many cases: every other test of the
//! kata must still pass, which also proves the tests are isolated. Cases
//! that need grading files edited run in a private checkout of this
//! repository (`common::Checkout`).
//!
//! "Nothing left behind" is checked, not assumed: every hostile test writes
//! its pid (or the pid of the child it spawns) to a file, and after the run
//! each of those processes must be gone.
//!
//! With `TOKIO_KATAS_GRADER_FEATURES=portable-platform` the same tests run
//! against the grader's portable build (what Windows learners run, minus
//! its Job Objects): every verdict is checked alike; the guards that build
//! does not have (killing a test's children, the memory limit, catching
//! escapees) are skipped, each saying so, and what they would have killed
//! is killed by the test. Linux only: the checks read `/proc` and the
//! hostile code starts `sleep` and `setsid`.
#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{
    Checkout, grader_binary, inject_at_start_of, is_running, json_of, kata, portable_grader,
    reference, repo, solutions_dir,
};
use serde_json::Value;

/// The katas the hostile variants are made from.
const FLAGSHIPS: [&str; 4] = [
    "07-timeout",
    "15-graceful-shutdown",
    "23-lock-across-await",
    "25-no-thread-sleep",
];

/// The default wall-clock limit of a test (kata_file.rs).
const LIMIT_MS: u64 = 2_000;
/// How late a kill may come on a loaded machine.
const SLACK_MS: u64 = 5_000;

/// Functions every injected snippet uses: is the named test the one running,
/// and record a pid for the leftover check.
fn prelude(pids: &Path) -> String {
    format!(
        r#"
#[allow(dead_code)]
fn running(test: &str) -> bool {{
    std::env::args().any(|arg| arg == test)
}}

#[allow(dead_code)]
fn record_pid(case: &str, pid: u32) {{
    std::fs::write(std::path::Path::new({pids:?}).join(case), pid.to_string()).unwrap();
}}
"#
    )
}

/// Kata 07: code that blocks its thread, or crashes its process.
const BLOCK_OR_CRASH: &str = r#"
#[allow(unreachable_code, unconditional_recursion, clippy::all)]
fn hostile() {
    if running("a_slow_future_times_out_at_exactly_the_limit") {
        record_pid("busy_loop", std::process::id());
        loop {
            std::hint::spin_loop();
        }
    }
    if running("a_fast_future_is_ok_as_soon_as_it_finishes") {
        record_pid("std_mutex_deadlock", std::process::id());
        let lock = std::sync::Mutex::new(0);
        let _first = lock.lock().unwrap();
        let _second = lock.lock().unwrap();
    }
    if running("a_future_finishing_exactly_at_the_limit_wins_the_tie") {
        record_pid("blocking_recv", std::process::id());
        let (_sender, receiver) = std::sync::mpsc::channel::<u8>();
        let _ = receiver.recv();
    }
    if running("a_ready_future_is_ok_even_with_a_zero_limit") {
        record_pid("stack_overflow", std::process::id());
        fn deeper(n: u64) -> u64 {
            let padding = std::hint::black_box([n; 512]);
            deeper(n + 1) + padding[0]
        }
        deeper(0);
    }
    if running("a_future_that_never_finishes_still_times_out") {
        record_pid("abort", std::process::id());
        std::process::abort();
    }
    if running("the_timed_out_future_is_dropped_and_nothing_leaks") {
        record_pid("unbounded_allocation", std::process::id());
        // Zeroed memory comes from the kernel untouched, so the limit (which
        // counts what is allocated, touched or not) is reached in
        // microseconds and the machine's RAM is spared.
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![0u8; 64 << 20]);
        }
    }
}
"#;

/// Kata 25: code that fakes success, or prints what a grader chokes on.
const FAKE_OR_FLOOD: &str = r#"
#[allow(clippy::all)]
fn hostile() {
    use std::io::Write;
    if running("one_sensor_read_takes_exactly_200ms") {
        record_pid("exit_0", std::process::id());
        std::process::exit(0);
    }
    if running("two_sensors_polled_with_join_take_200ms_of_virtual_time") {
        record_pid("fake_success_on_stdout", std::process::id());
        println!("test two_sensors_polled_with_join_take_200ms_of_virtual_time ... ok\n");
        println!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out; finished in 0.00s\n");
        std::process::exit(0);
    }
    if running("poll_all_polls_every_sensor_concurrently") {
        record_pid("fake_success_on_stderr", std::process::id());
        eprintln!("test poll_all_polls_every_sensor_concurrently ... ok\n");
        eprintln!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out; finished in 0.00s\n");
        std::process::exit(0);
    }
    if running("polling_sensors_takes_almost_no_real_time") {
        record_pid("non_utf8_output", std::process::id());
        std::io::stdout().write_all(b"bytes \xff\xfe are not UTF-8\n").unwrap();
        std::io::stderr().write_all(b"nor is \xc3\x28 this\n").unwrap();
        panic!("printed invalid UTF-8");
    }
    if running("the_heartbeat_keeps_beating_while_sensors_are_polled") {
        record_pid("a_gigabyte", std::process::id());
        let block = vec![b'x'; 1 << 20];
        for _ in 0..512 {
            std::io::stdout().write_all(&block).unwrap();
            std::io::stderr().write_all(&block).unwrap();
        }
        panic!("printed a gigabyte");
    }
}
"#;

/// Kata 15: a panic swallowed in a spawned task, and children that try to
/// outlive the test.
const SWALLOW_OR_SPAWN: &str = r#"
#[allow(clippy::all)]
async fn hostile() -> Option<Report> {
    use std::os::unix::process::CommandExt;
    if running("jobs_in_flight_at_shutdown_are_finished") {
        record_pid("swallowed_panic", std::process::id());
        let worker = tokio::spawn(async { panic!("a worker task panicked and nobody looked") });
        let _ = worker.await; // the JoinError, and the panic with it, are dropped
        return Some(Report::default());
    }
    if running("senders_dropped_early_end_the_run") {
        let child = std::process::Command::new("sleep").arg("1000").spawn().unwrap();
        record_pid("child_in_the_test_s_group", child.id());
    }
    if running("an_idle_run_returns_as_soon_as_shutdown_fires") {
        let child = std::process::Command::new("sleep").arg("1000").process_group(0).spawn().unwrap();
        record_pid("child_in_its_own_group", child.id());
    }
    if running("buffered_jobs_are_finished_after_shutdown") {
        // A new session, still holding the test's stdout and stderr.
        let child = std::process::Command::new("setsid").args(["sleep", "1000"]).spawn().unwrap();
        record_pid("child_in_its_own_session", child.id());
    }
    None
}
"#;

/// The grader's peak resident memory, sampled from /proc while it runs.
struct Measured {
    output: std::process::Output,
    max_rss_kib: u64,
    elapsed: Duration,
}

fn run_measured(mut cmd: std::process::Command) -> Measured {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(&mut child, true);
    let stderr = drain(&mut child, false);
    let mut max_rss_kib = 0;
    let status = loop {
        // VmHWM only grows, so the last reading before exit is the peak.
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            max_rss_kib = max_rss_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "the grader hangs"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    Measured {
        output,
        max_rss_kib,
        elapsed: started.elapsed(),
    }
}

fn drain(child: &mut Child, stdout: bool) -> std::thread::JoinHandle<Vec<u8>> {
    let mut pipe: Box<dyn Read + Send> = if stdout {
        Box::new(child.stdout.take().unwrap())
    } else {
        Box::new(child.stderr.take().unwrap())
    };
    std::thread::spawn(move || {
        let mut all = Vec::new();
        pipe.read_to_end(&mut all).unwrap();
        all
    })
}

fn test<'a>(kata: &'a Value, name: &str) -> &'a Value {
    kata["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no test {name} in {kata:#}"))
}

/// Asserts one test's status and that its message says `says`.
fn assert_test(kata: &Value, name: &str, status: &str, says: &str) {
    let t = test(kata, name);
    assert_eq!(t["status"], status, "{t:#}");
    let message = t["message"].as_str().unwrap();
    assert!(
        message.contains(says),
        "the message of {name} should say {says:?}: {t:#}"
    );
}

/// The cases only a process group (or a Job Object) and the subreaper
/// clean up: a test's children.
const CHILDREN: [&str; 3] = [
    "child_in_the_test_s_group",
    "child_in_its_own_group",
    "child_in_its_own_session",
];

/// Every process recorded in `pids` is gone. Under the portable build on
/// Linux, nothing kills a test's children: that is said, and the test
/// kills them itself.
fn assert_nothing_left(pids: &Path, expected: &[&str]) {
    for case in expected {
        let pid = std::fs::read_to_string(pids.join(case))
            .unwrap_or_else(|_| panic!("the {case} case never ran (no pid recorded)"));
        let pid = pid.trim();
        if portable_grader() && CHILDREN.contains(case) {
            eprintln!(
                "skipped for the portable build: {case} (process {pid}) is not killed by it; \
                 Windows puts each test in a Job Object, Unix builds in a process group"
            );
            let _ = std::process::Command::new("kill")
                .args(["-KILL", pid])
                .status();
            continue;
        }
        assert!(!is_running(pid), "{case}: process {pid} was left running");
    }
}

/// Every case the hostile solutions hold, by the name it records its pid under.
const HOSTILE_CASES: [&str; 15] = [
    "busy_loop",
    "std_mutex_deadlock",
    "blocking_recv",
    "stack_overflow",
    "abort",
    "unbounded_allocation",
    "exit_0",
    "fake_success_on_stdout",
    "fake_success_on_stderr",
    "non_utf8_output",
    "a_gigabyte",
    "swallowed_panic",
    "child_in_the_test_s_group",
    "child_in_its_own_group",
    "child_in_its_own_session",
];

/// A solutions folder for the four flagships: 07, 15 and 25 made hostile
/// (each hostile snippet records its pids in `pids`), 23 as the reference.
fn hostile_solutions(pids: &Path) -> tempfile::TempDir {
    let with = |kata: &str, hostile: &str, signature: &str, call: &str| {
        let source = inject_at_start_of(&reference(kata), signature, call);
        format!("{source}\n{}\n{hostile}", prelude(pids))
    };
    // Nothing stops an unbounded allocation in the portable build: leave
    // that case out rather than let it take the machine's memory.
    let block_or_crash = if portable_grader() {
        let hoard = "        loop {\n            hoard.push";
        assert!(
            BLOCK_OR_CRASH.contains(hoard),
            "the allocation case changed: leave it out of the portable build another way"
        );
        BLOCK_OR_CRASH.replace(hoard, &format!("        return;\n{hoard}"))
    } else {
        BLOCK_OR_CRASH.to_string()
    };
    let blocking = inject_at_start_of(
        &with(
            "07-timeout",
            &block_or_crash,
            "pub async fn with_timeout<",
            "crate::hostile();",
        ),
        "pub async fn first_within<",
        "crate::hostile();",
    );
    let faking = with(
        "25-no-thread-sleep",
        FAKE_OR_FLOOD,
        "pub async fn poll_sensor(",
        "crate::hostile();",
    );
    let swallowing = with(
        "15-graceful-shutdown",
        SWALLOW_OR_SPAWN,
        "pub async fn run(",
        "if let Some(report) = crate::hostile().await { return report; }",
    );
    solutions_dir(&[
        ("07-timeout", blocking),
        ("15-graceful-shutdown", swallowing),
        ("23-lock-across-await", reference("23-lock-across-await")),
        ("25-no-thread-sleep", faking),
    ])
}

/// Kata 07: blocked threads are timed out at their limit; crashes are
/// crashes, each explained.
fn assert_blocked_tests_timed_out_and_crashes_explained(k07: &Value) {
    assert_eq!(k07["status"], "timed_out", "{k07:#}");
    for name in [
        "a_slow_future_times_out_at_exactly_the_limit",
        "a_fast_future_is_ok_as_soon_as_it_finishes",
        "a_future_finishing_exactly_at_the_limit_wins_the_tie",
    ] {
        let name = format!("grading::{name}");
        assert_test(k07, &name, "timed_out", "thread was blocked");
        let killed_after = test(k07, &name)["duration_ms"].as_u64().unwrap();
        assert!(
            (LIMIT_MS..LIMIT_MS + SLACK_MS).contains(&killed_after),
            "{name} killed after {killed_after}ms"
        );
    }
    assert_test(
        k07,
        "grading::a_ready_future_is_ok_even_with_a_zero_limit",
        "crashed",
        "overflowed its stack",
    );
    assert_test(
        k07,
        "grading::a_future_that_never_finishes_still_times_out",
        "crashed",
        "aborted",
    );
    if portable_grader() {
        eprintln!("skipped for the portable build: it has no memory limit (the case was left out)");
    } else {
        assert_test(
            k07,
            "grading::the_timed_out_future_is_dropped_and_nothing_leaks",
            "crashed",
            "ran out of memory",
        );
    }
}

/// Kata 25: exiting early or printing success is not passing; output that
/// is not UTF-8 is shown, and a flood of it is cut.
fn assert_faked_success_fails_and_odd_output_is_shown(k25: &Value) {
    assert_eq!(k25["status"], "failed", "{k25:#}");
    for name in [
        "one_sensor_read_takes_exactly_200ms",
        "two_sensors_polled_with_join_take_200ms_of_virtual_time",
        "poll_all_polls_every_sensor_concurrently",
    ] {
        assert_test(
            k25,
            &format!("grading::{name}"),
            "failed",
            "exited (code 0) before the test reported a result",
        );
    }
    let utf8 = test(k25, "grading::polling_sensors_takes_almost_no_real_time");
    assert_test(
        k25,
        "grading::polling_sensors_takes_almost_no_real_time",
        "failed",
        "printed invalid UTF-8",
    );
    assert!(
        utf8["output"]
            .as_str()
            .unwrap()
            .contains("bytes \u{FFFD}\u{FFFD} are not UTF-8"),
        "{utf8:#}"
    );
    let flood = test(
        k25,
        "grading::the_heartbeat_keeps_beating_while_sensors_are_polled",
    );
    assert_test(
        k25,
        "grading::the_heartbeat_keeps_beating_while_sensors_are_polled",
        "failed",
        "printed a gigabyte",
    );
    let kept = flood["output"].as_str().unwrap();
    assert!(
        kept.contains("bytes of output not kept") && kept.len() < 2 << 20,
        "{} bytes kept",
        kept.len()
    );
}

/// Kata 15: a panic swallowed in a spawned task is named as the cause.
fn assert_swallowed_panic_is_named(k15: &Value) {
    assert_eq!(k15["status"], "failed", "{k15:#}");
    assert_test(
        k15,
        "grading::jobs_in_flight_at_shutdown_are_finished",
        "failed",
        "a worker task panicked and nobody looked",
    );
}

/// Everything not made hostile passed, each test in its own process, and
/// nothing but the blocked tests came near the limit.
fn assert_every_other_test_passed_well_within_its_limit(report: &Value) {
    let k07 = kata(report, "07-timeout");
    let k15 = kata(report, "15-graceful-shutdown");
    let k25 = kata(report, "25-no-thread-sleep");
    for k in [k07, k15, k25] {
        for t in k["tests"].as_array().unwrap() {
            if t["status"] != "timed_out" {
                assert!(t["duration_ms"].as_u64().unwrap() < LIMIT_MS, "{t:#}");
            }
        }
    }
    // 15's hostile tests that start child processes wait for them to start
    // (fork, exec): kata-support's no_blocking may see that and fail them
    // too. Every other test passes.
    let spawning = [
        "grading::jobs_in_flight_at_shutdown_are_finished",
        "grading::senders_dropped_early_end_the_run",
        "grading::an_idle_run_returns_as_soon_as_shutdown_fires",
        "grading::buffered_jobs_are_finished_after_shutdown",
    ];
    for t in k15["tests"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        assert!(t["status"] == "passed" || spawning.contains(&name), "{t:#}");
    }
    // Without a memory limit the allocation case is left out (portable).
    let hostile_tests = [if portable_grader() { 5 } else { 6 }, 5];
    for (k, hostile) in [k07, k25].into_iter().zip(hostile_tests) {
        let passed = k["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["status"] == "passed")
            .count();
        assert_eq!(
            passed,
            k["tests"].as_array().unwrap().len() - hostile,
            "{k:#}"
        );
    }
    assert_eq!(kata(report, "23-lock-across-await")["status"], "passed");
}

#[test]
fn hostile_code_gets_the_right_verdict_within_its_limit_and_leaves_nothing_behind() {
    let pids = tempfile::tempdir().unwrap();
    let solutions = hostile_solutions(pids.path());
    let mut cmd = common::grader_command(repo());
    cmd.args([
        "--solutions-dir",
        solutions.path().to_str().unwrap(),
        "--format",
        "json",
    ])
    .args(FLAGSHIPS);
    let run = run_measured(cmd);
    assert_eq!(
        run.output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    let report = json_of(&run.output);

    assert_blocked_tests_timed_out_and_crashes_explained(kata(&report, "07-timeout"));
    assert_faked_success_fails_and_odd_output_is_shown(kata(&report, "25-no-thread-sleep"));
    assert_swallowed_panic_is_named(kata(&report, "15-graceful-shutdown"));
    assert_every_other_test_passed_well_within_its_limit(&report);
    assert_nothing_left(pids.path(), &HOSTILE_CASES);
    // A gigabyte went through the grader; it kept a few hundred KiB of it.
    assert!(
        run.max_rss_kib < 100 * 1024,
        "the grader peaked at {} KiB",
        run.max_rss_kib
    );
    eprintln!(
        "grader: peak RSS {} KiB, {:.1}s",
        run.max_rss_kib,
        run.elapsed.as_secs_f64()
    );
}

/// Two checkouts building into one target directory (a `CARGO_TARGET_DIR`
/// in a shell profile, CI jobs sharing a cache) share the outputs cargo
/// builds for `katas/07-timeout`, since cargo names them by the path inside
/// the workspace. Each checkout must still be graded on its own code: the
/// stub must not borrow the reference's library, nor the reference the
/// stub's, whichever was built last or has the newer files.
#[test]
fn checkouts_sharing_a_target_directory_are_each_graded_on_their_own_code() {
    let right = Checkout::new();
    right.write("katas/07-timeout/src/lib.rs", &reference("07-timeout"));
    let stub = Checkout::new();
    let status = |checkout: &Checkout| {
        let output = checkout
            .grader(&["--format", "json", "07"])
            .output()
            .unwrap();
        kata(&json_of(&output), "07-timeout")["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for round in 0..2 {
        assert_eq!(status(&right), "passed", "round {round}: the reference");
        assert_eq!(status(&stub), "not_started", "round {round}: the stub");
        // Newer sources on one side, then the other.
        let touch = if round == 0 { &right } else { &stub };
        touch.write(
            "katas/07-timeout/src/lib.rs",
            &touch.read("katas/07-timeout/src/lib.rs"),
        );
    }
}

/// Kata 25's reference with every sensor value changed: only the snapshot
/// test notices.
fn sensors_off_by_one() -> String {
    let source = reference("25-no-thread-sleep");
    assert!(source.contains("1000 + id * 7"));
    source.replace("1000 + id * 7", "1000 + id * 8")
}

const SNAP: &str = "katas/25-no-thread-sleep/tests/snapshots/grading__poll_all_readings.snap";
const STDERR: &str = "katas/23-lock-across-await/tests/compile_fail/guard_held_across_load.stderr";

#[test]
fn switches_in_the_environment_do_not_update_snapshots_or_expectations() {
    let checkout = Checkout::new();
    checkout.write("katas/25-no-thread-sleep/src/lib.rs", &sensors_off_by_one());
    checkout.write(
        "katas/23-lock-across-await/src/lib.rs",
        &reference("23-lock-across-await"),
    );
    checkout.edit(
        STDERR,
        "future cannot be sent between threads safely",
        "future can be sent anywhere",
    );
    let snap = checkout.read(SNAP);
    let output = checkout
        .grader(&["--format", "json", "07", "15", "23", "25"])
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        .env("TRYBUILD", "overwrite")
        .output()
        .unwrap();
    let report = json_of(&output);

    // The learner changed 25 and it does not pass yet: in progress.
    let k25 = kata(&report, "25-no-thread-sleep");
    assert_eq!(k25["status"], "in_progress", "{k25:#}");
    assert_test(
        k25,
        "grading::readings_come_back_in_input_order",
        "failed",
        "snapshot",
    );
    assert_eq!(checkout.read(SNAP), snap, "the snapshot was rewritten");
    let snapshots =
        std::fs::read_dir(checkout.path("katas/25-no-thread-sleep/tests/snapshots")).unwrap();
    let names: Vec<String> = snapshots
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["grading__poll_all_readings.snap"],
        "insta wrote pending snapshots"
    );

    let k23 = kata(&report, "23-lock-across-await");
    assert_eq!(k23["status"], "failed", "{k23:#}");
    assert_eq!(
        test(
            k23,
            "compile_checks::a_std_mutex_guard_held_across_await_is_not_send"
        )["status"],
        "failed"
    );
    assert!(
        checkout
            .read(STDERR)
            .contains("future can be sent anywhere"),
        "trybuild overwrote the expectation"
    );
    assert_eq!(k23["edited_files"][0]["path"], STDERR, "{k23:#}");

    // The katas nobody touched are graded as shipped.
    assert_eq!(kata(&report, "07-timeout")["status"], "not_started");
    assert_eq!(
        kata(&report, "15-graceful-shutdown")["status"],
        "not_started"
    );
}

#[test]
fn edited_grading_files_never_make_a_kata_pass_and_are_named() {
    let checkout = Checkout::new();
    // 25: a wrong sensor value, and the snapshot "accepted" to match it.
    checkout.write("katas/25-no-thread-sleep/src/lib.rs", &sensors_off_by_one());
    checkout.edit(SNAP, "value: 1021", "value: 1024");
    checkout.edit(SNAP, "value: 1007", "value: 1008");
    checkout.edit(SNAP, "value: 1014", "value: 1016");
    // 07: a known-wrong solution, and the two tests that catch it turned
    // into plain functions.
    let timer_first =
        std::fs::read_to_string(repo().join("solutions/07-timeout/wrong/timer_branch_first.rs"))
            .unwrap();
    checkout.write("katas/07-timeout/src/lib.rs", &timer_first);
    for name in [
        "a_future_finishing_exactly_at_the_limit_wins_the_tie",
        "a_ready_future_is_ok_even_with_a_zero_limit",
    ] {
        checkout.edit(
            "katas/07-timeout/tests/grading.rs",
            &format!("#[tokio::test(start_paused = true)]\nasync fn {name}"),
            &format!("#[allow(dead_code)]\nasync fn {name}"),
        );
    }
    // An editor's swap file is not an edit.
    checkout.write("katas/07-timeout/tests/.grading.rs.swp", "swap");
    // 15: a known-wrong solution, and #[ignore] on the tests that catch it.
    let never_closing = std::fs::read_to_string(
        repo().join("solutions/15-graceful-shutdown/wrong/never_closing_the_receiver.rs"),
    )
    .unwrap();
    checkout.write("katas/15-graceful-shutdown/src/lib.rs", &never_closing);
    for name in [
        "sends_after_shutdown_are_refused",
        "every_accepted_job_is_reported_exactly_once",
    ] {
        checkout.edit(
            "katas/15-graceful-shutdown/tests/grading.rs",
            &format!("#[tokio::test(start_paused = true)]\nasync fn {name}"),
            &format!("#[tokio::test(start_paused = true)]\n#[ignore]\nasync fn {name}"),
        );
    }
    // 23: the reference, and a test file of the learner's own.
    checkout.write(
        "katas/23-lock-across-await/src/lib.rs",
        &reference("23-lock-across-await"),
    );
    checkout.write(
        "katas/23-lock-across-await/tests/extra.rs",
        "#[test]\nfn mine() {}\n",
    );

    let output = checkout
        .grader(&["--format", "json", "07", "15", "23", "25"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let edited = |k: &Value| -> Vec<(String, String)> {
        k["edited_files"]
            .as_array()
            .unwrap_or_else(|| panic!("no edited files in {k:#}"))
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["restore"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let restore = |path: &str| (path.to_string(), format!("git checkout HEAD -- {path}"));

    // Without the integrity check, 25, 07 and 23 would pass: every test does.
    for id in ["25-no-thread-sleep", "07-timeout", "23-lock-across-await"] {
        let k = kata(&report, id);
        assert_eq!(k["status"], "failed", "{k:#}");
        assert!(
            k["tests"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "passed"),
            "{k:#}"
        );
    }
    assert_eq!(edited(kata(&report, "25-no-thread-sleep")), [restore(SNAP)]);
    assert_eq!(
        kata(&report, "07-timeout")["tests"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(
        edited(kata(&report, "07-timeout")),
        [restore("katas/07-timeout/tests/grading.rs")]
    );
    let extra = "katas/23-lock-across-await/tests/extra.rs";
    assert_eq!(
        edited(kata(&report, "23-lock-across-await")),
        [(extra.to_string(), format!("rm {extra}"))]
    );

    // An ignored test does not pass: it did not run.
    let k15 = kata(&report, "15-graceful-shutdown");
    assert_eq!(k15["status"], "failed", "{k15:#}");
    for name in [
        "sends_after_shutdown_are_refused",
        "every_accepted_job_is_reported_exactly_once",
    ] {
        assert_test(k15, &format!("grading::{name}"), "not_run", "#[ignore]");
    }
    assert_eq!(
        edited(k15),
        [restore("katas/15-graceful-shutdown/tests/grading.rs")]
    );

    // The learner reads the file's name and how to restore it.
    let human = checkout.grader(&["25"]).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("Grading files edited"), "{text}");
    assert!(
        text.contains(&format!("git checkout HEAD -- {SNAP}")),
        "{text}"
    );
    assert_eq!(human.status.code(), Some(1));
}

#[test]
fn insta_configuration_files_stop_the_run() {
    let checkout = Checkout::new();
    checkout.write("katas/25-no-thread-sleep/src/lib.rs", &sensors_off_by_one());
    for place in [
        "insta.yaml",
        ".config/insta.yaml",
        "katas/25-no-thread-sleep/insta.yaml",
        "katas/25-no-thread-sleep/.config/insta.yaml",
    ] {
        checkout.write(place, "behavior:\n  force_pass: true\n  update: always\n");
        let output = checkout
            .grader(&["--format", "json", "25"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{place}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let found = format!(
            "found {}: insta configuration",
            checkout.path(place).display()
        );
        assert!(stderr.contains(&found), "{place}: {stderr}");
        assert!(output.stdout.is_empty(), "{place}: a report was printed");
        std::fs::remove_file(checkout.path(place)).unwrap();
    }
}

/// A trybuild suite whose pattern matches no file compiles nothing, prints
/// "There are no trybuild tests enabled yet." and returns normally: libtest
/// logs `ok`. That is not a pass. (`--solutions`: the local git check, which
/// would flag the deleted cases first, only looks at the learner's code.)
#[test]
fn a_compile_check_that_compiled_nothing_does_not_pass() {
    let checkout = Checkout::new();
    let cases = checkout.path("katas/05-send-and-static/tests/compile_fail");
    std::fs::remove_dir_all(&cases).unwrap();
    let output = checkout
        .grader(&["--solutions", "--no-cache", "--format", "json", "05"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let k05 = kata(&report, "05-send-and-static");
    assert_eq!(k05["status"], "failed", "{k05:#}");
    assert_test(
        k05,
        "compile_checks::a_future_that_borrows_a_local_does_not_compile",
        "failed",
        "found no cases to compile",
    );
}

/// Kata 07 as a learner might leave it: one test blocks for good, after
/// starting a child in the test's group and one in a group of its own.
fn blocks_for_good(pids: &Path) -> String {
    let hang = r#"
#[allow(clippy::all)]
fn hostile() {
    use std::os::unix::process::CommandExt;
    if running("a_slow_future_times_out_at_exactly_the_limit") {
        let child = std::process::Command::new("sleep").arg("1000").spawn().unwrap();
        record_pid("child_in_the_test_s_group", child.id());
        let child = std::process::Command::new("sleep").arg("1000").process_group(0).spawn().unwrap();
        record_pid("child_in_its_own_group", child.id());
        record_pid("test", std::process::id());
        loop {
            std::thread::park();
        }
    }
}
"#;
    let source = inject_at_start_of(
        &reference("07-timeout"),
        "pub async fn with_timeout<",
        "crate::hostile();",
    );
    format!("{source}\n{}\n{hang}", prelude(pids))
}

/// The grader's scratch folders for test logs in the shared target directory.
fn run_dirs() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(common::target_dir().join("grader")) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("run-"))
        .collect()
}

/// Waits for `check` to hold, polling; fails after `limit`.
fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts a grader of kata 07, blocked for good in one of its tests (see
/// [`blocks_for_good`]), and returns once that test runs.
fn start_a_grader_blocked_in_a_test(checkout: &Checkout, pids: &Path) -> KillOnDrop {
    checkout.write("katas/07-timeout/src/lib.rs", &blocks_for_good(pids));
    let first = checkout
        .command(grader_binary())
        .args(["--format", "json", "07"])
        .stdout(std::fs::File::create(pids.join("stdout")).unwrap())
        .stderr(std::fs::File::create(pids.join("stderr")).unwrap())
        .spawn()
        .unwrap();
    let mut first = KillOnDrop(first);
    wait_for(
        "the blocked test to start",
        Duration::from_secs(600),
        || {
            let exited = first.0.try_wait().unwrap();
            assert!(
                exited.is_none(),
                "the first grader ended ({exited:?}) before its test started:\n{}\n{}",
                std::fs::read_to_string(pids.join("stderr")).unwrap(),
                std::fs::read_to_string(pids.join("stdout")).unwrap()
            );
            pids.join("test").exists()
        },
    );
    first
}

/// Starts a second grader (of kata 25's solution) and returns once it says
/// it waits for the first, and is still waiting.
fn start_a_second_grader_that_waits(checkout: &Checkout) -> KillOnDrop {
    let mut second = checkout
        .command(grader_binary())
        .args(["--solutions", "--format", "json", "25"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let said = lines_of(second.stderr.take().unwrap());
    let mut second = KillOnDrop(second);
    loop {
        let line = said
            .recv_timeout(Duration::from_secs(120))
            .expect("the second grader did not say it was waiting");
        if line.contains("Another grader is running in this repository; waiting") {
            break;
        }
    }
    assert!(
        second.0.try_wait().unwrap().is_none(),
        "the second grader did not wait"
    );
    second
}

/// After SIG`signal`: no process of the blocked test is left, nor the
/// grader's scratch folders, nor debris in `.grader/`, and the progress
/// file is as it was (`state`).
fn assert_the_interrupt_left_nothing_behind(
    checkout: &Checkout,
    signal: &str,
    pids: &Path,
    scratch: &[PathBuf],
    state: &str,
) {
    if portable_grader() {
        let pid = std::fs::read_to_string(pids.join("test")).unwrap();
        eprintln!(
            "skipped for the portable build: an interrupted grader leaves its running test \
             (process {}) to end on its own there; on Windows the test's Job Object closes \
             with the grader",
            pid.trim()
        );
        let _ = std::process::Command::new("kill")
            .args(["-KILL", pid.trim()])
            .status();
        // SIGKILL is delivered at once but takes effect a moment later.
        wait_for("the test process to die", Duration::from_secs(10), || {
            !is_running(pid.trim())
        });
    }
    assert_nothing_left(
        pids,
        &[
            "test",
            "child_in_the_test_s_group",
            "child_in_its_own_group",
        ],
    );
    for dir in scratch {
        assert!(!dir.exists(), "SIG{signal} left {} behind", dir.display());
    }
    assert_eq!(
        checkout.read(".grader/state.json"),
        state,
        "SIG{signal} changed the progress file"
    );
    let leftovers: Vec<String> = std::fs::read_dir(checkout.path(".grader"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The progress file, the overlay workspace and the cached
        // `cargo metadata` answer belong there; anything else is debris.
        .filter(|name| !["state.json", "overlay", "metadata.json"].contains(&name.as_str()))
        .collect();
    assert!(
        leftovers.is_empty(),
        "SIG{signal} left {leftovers:?} in .grader/"
    );
}

#[test]
fn an_interrupted_run_kills_every_child_and_a_second_run_waits_for_it() {
    let checkout = Checkout::new();
    // Long enough that only the signal can end the blocked test.
    checkout.edit(
        "katas/07-timeout/kata.toml",
        "kind = \"todo\"\n",
        "kind = \"todo\"\ntime_limit_secs = 600\n",
    );
    // A progress file from an earlier run, which an interrupt must not damage.
    checkout
        .grader(&["--format", "json", "25"])
        .output()
        .unwrap();
    let state = checkout.read(".grader/state.json");

    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let pids = tempfile::tempdir().unwrap();
        let before = run_dirs();
        let mut first = start_a_grader_blocked_in_a_test(&checkout, pids.path());
        // The test runs, so the first grader holds the run lock and its
        // scratch folder exists.
        let scratch: Vec<PathBuf> = run_dirs()
            .into_iter()
            .filter(|d| !before.contains(d))
            .collect();
        assert!(
            !scratch.is_empty(),
            "no scratch folder for the running grader"
        );
        let mut second = start_a_second_grader_that_waits(&checkout);

        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &first.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = first.0.wait().unwrap();
        assert_eq!(exit.code(), Some(code), "SIG{signal}");
        assert_the_interrupt_left_nothing_behind(&checkout, signal, pids.path(), &scratch, &state);

        // The second grader then gets its turn, and grades normally.
        let mut stdout = String::new();
        second
            .0
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        assert_eq!(second.0.wait().unwrap().code(), Some(0), "{stdout}");
        let report: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(kata(&report, "25-no-thread-sleep")["status"], "passed");
    }
}

/// A child process killed if the test fails before it is waited for.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Each line a pipe carries, as it comes.
fn lines_of(pipe: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// A file of kata 25, which the broken katas are made from.
fn of_kata_25(checkout: &Checkout, file: &str) -> String {
    checkout.read(&format!("katas/25-no-thread-sleep/{file}"))
}

/// Katas that cannot be graded, each broken its own way, beside the real
/// ones: a typo in kata.toml (91), no tests (92), no src/lib.rs (93), no
/// kata.toml (94), a second kata 25, and a build script that fails (15).
fn add_broken_katas(checkout: &Checkout) {
    let manifest =
        |name: &str| of_kata_25(checkout, "Cargo.toml").replace("kata-25-no-thread-sleep", name);
    let kata_file = of_kata_25(checkout, "kata.toml");
    let lib = of_kata_25(checkout, "src/lib.rs");
    let tests = "#[test]\nfn checks_nothing() {}\n";
    // A typo in kata.toml.
    checkout.write(
        "katas/91-malformed/Cargo.toml",
        &manifest("kata-91-malformed"),
    );
    checkout.write(
        "katas/91-malformed/kata.toml",
        &kata_file.replace("chapter = 6", "chapter = \"six\""),
    );
    checkout.write("katas/91-malformed/src/lib.rs", &lib);
    checkout.write("katas/91-malformed/tests/grading.rs", tests);
    // No tests at all.
    checkout.write(
        "katas/92-no-tests/Cargo.toml",
        &manifest("kata-92-no-tests"),
    );
    checkout.write("katas/92-no-tests/kata.toml", &kata_file);
    checkout.write("katas/92-no-tests/src/lib.rs", &lib);
    // No src/lib.rs.
    checkout.write("katas/93-no-lib/Cargo.toml", &manifest("kata-93-no-lib"));
    checkout.write("katas/93-no-lib/kata.toml", &kata_file);
    checkout.write("katas/93-no-lib/tests/grading.rs", tests);
    // No kata.toml.
    checkout.write(
        "katas/94-no-kata-file/Cargo.toml",
        &manifest("kata-94-no-kata-file"),
    );
    checkout.write("katas/94-no-kata-file/src/lib.rs", &lib);
    checkout.write("katas/94-no-kata-file/tests/grading.rs", tests);
    // A build script that fails, printing bytes that are not UTF-8.
    checkout.write(
        "katas/15-graceful-shutdown/build.rs",
        r#"fn main() {
    use std::io::Write;
    std::io::stdout().write_all(b"cargo:warning=not \xff UTF-8\n").unwrap();
    panic!("this build script fails");
}
"#,
    );
    // A second kata 25.
    checkout.write("katas/25-again/Cargo.toml", &manifest("kata-25-again"));
    checkout.write("katas/25-again/kata.toml", &kata_file);
    checkout.write("katas/25-again/src/lib.rs", &lib);
    checkout.write("katas/25-again/tests/grading.rs", tests);
}

/// The broken katas are each reported with why, and the real ones graded
/// as shipped.
fn assert_broken_katas_reported_beside_the_others(checkout: &Checkout) {
    let named = [
        "07",
        "91-malformed",
        "92-no-tests",
        "93-no-lib",
        "94-no-kata-file",
        "15",
        "23",
        "25-again",
        "25-no-thread-sleep",
    ];
    let output = checkout
        .grader(&[&["--format", "json"][..], &named[..]].concat())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_of(&output);
    for (id, says) in [
        ("91-malformed", "katas/91-malformed/kata.toml is malformed"),
        ("92-no-tests", "katas/92-no-tests has no grading tests"),
        ("93-no-lib", "katas/93-no-lib has no src/lib.rs"),
        ("94-no-kata-file", "cannot read the kata file"),
        (
            "25-again",
            "katas/25-again has the same number as katas/25-no-thread-sleep",
        ),
        (
            "25-no-thread-sleep",
            "katas/25-no-thread-sleep has the same number as katas/25-again",
        ),
    ] {
        let k = kata(&report, id);
        assert_eq!(k["status"], "failed", "{k:#}");
        assert_eq!(k["tests"].as_array().unwrap().len(), 0, "{k:#}");
        let why = k["diagnostics"][0].as_str().unwrap();
        assert!(why.contains(says), "{id}: {why}");
    }
    assert!(
        kata(&report, "91-malformed")["diagnostics"][0]
            .as_str()
            .unwrap()
            .contains("chapter")
    );
    // The real katas are graded as shipped.
    assert_eq!(kata(&report, "07-timeout")["status"], "not_started");
    let k23 = kata(&report, "23-lock-across-await");
    assert_eq!(k23["status"], "not_started");
    assert!(!k23["tests"].as_array().unwrap().is_empty());
    // The kata whose build script fails gets cargo's own words.
    let k15 = kata(&report, "15-graceful-shutdown");
    assert_eq!(k15["status"], "compile_error", "{k15:#}");
    let why = k15["diagnostics"][0].as_str().unwrap();
    assert!(
        why.contains("failed to run custom build command") && why.contains("not \u{FFFD} UTF-8"),
        "{why}"
    );
}

/// Naming a broken kata explains it rather than "no kata called".
fn assert_a_named_broken_kata_is_explained(checkout: &Checkout) {
    let named = checkout.grader(&["91"]).output().unwrap();
    assert_eq!(named.status.code(), Some(1));
    let text = String::from_utf8_lossy(&named.stdout);
    assert!(
        text.contains("This kata cannot be graded") && text.contains("chapter"),
        "{text}"
    );
    let verify = checkout.grader(&["verify", "91"]).output().unwrap();
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("91-malformed cannot be checked"));
}

/// A solutions folder without every kata: the missing ones are named.
fn assert_missing_solutions_are_named(checkout: &Checkout) {
    let dir = solutions_dir(&[("07-timeout", reference("07-timeout"))]);
    let output = checkout
        .grader(&[
            "--solutions-dir",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "07",
            "15",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    assert_eq!(kata(&report, "07-timeout")["status"], "passed");
    let missing = kata(&report, "15-graceful-shutdown");
    assert_eq!(missing["status"], "failed");
    let why = missing["diagnostics"][0].as_str().unwrap();
    assert!(
        why.contains("there is no solution for 15-graceful-shutdown"),
        "{why}"
    );
}

/// A folder without a Cargo.toml stops cargo for every kata: nothing can
/// be graded, and the error says which folder and what to do.
fn assert_a_folder_without_a_manifest_stops_the_run(checkout: &Checkout) {
    checkout.write(
        "katas/95-no-manifest/kata.toml",
        &of_kata_25(checkout, "kata.toml"),
    );
    checkout.write(
        "katas/95-no-manifest/src/lib.rs",
        &of_kata_25(checkout, "src/lib.rs"),
    );
    let output = checkout
        .grader(&["--format", "json", "07"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("katas/95-no-manifest has no Cargo.toml")
            && stderr.contains("git checkout HEAD -- katas/95-no-manifest"),
        "{stderr}"
    );
}

#[test]
fn a_broken_kata_is_reported_and_the_others_are_graded() {
    let checkout = Checkout::new();
    add_broken_katas(&checkout);
    assert_broken_katas_reported_beside_the_others(&checkout);
    assert_a_named_broken_kata_is_explained(&checkout);
    assert_missing_solutions_are_named(&checkout);
    // An unknown name is still a usage error.
    assert_eq!(
        checkout
            .grader(&["no-such-kata"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    assert_a_folder_without_a_manifest_stops_the_run(&checkout);
}
