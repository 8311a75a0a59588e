//! A memory limit for every test process.
//!
//! A kata's code that allocates without bound (a `Vec` that grows in a loop
//! that never ends, a channel nobody drains) would otherwise take the
//! learner's machine down with it, or be killed by the kernel's OOM killer
//! with no explanation. Each test process starts with a limit on its data
//! segment (`RLIMIT_DATA`), so the allocation that crosses it fails, Rust
//! prints "memory allocation of N bytes failed" and aborts, and the grader
//! says what happened.
//!
//! Why `RLIMIT_DATA` and not `RLIMIT_AS`: the address-space limit also
//! counts memory that is only reserved, never used: glibc reserves 64 MiB of
//! address space per malloc arena (one per thread, up to 8 per core), and
//! rustc reserves far more than it touches. A limit on address space would
//! depend on the machine's core count and break tokio's multi-thread runtime
//! and trybuild's rustc on big machines. The data limit counts private
//! writable memory (heap, thread stacks, anonymous maps), which is what a
//! runaway allocation consumes. No cgroups: they need privileges or systemd,
//! and a learner's laptop or a CI container has neither reliably.
//!
//! The limit is inherited by what a test starts: trybuild's cargo and rustc.
//! Measured on this repository (cold trybuild build of tokio with "full",
//! debug profile, 2 cores), the largest process was rustc with 444 MiB of
//! data (1 GiB of address space); cargo needed 93 MiB, a test process 4 MiB.
//! The limit leaves rustc more than four times what it needed.

use tokio::process::Command;

/// Per process, not per test: trybuild's cargo and each rustc get their own.
pub const MEMORY_LIMIT_BYTES: u64 = 2 << 30;

/// Starts `cmd` with the memory limit, where the platform has one
/// (`platform::MEMORY_LIMIT_APPLIES`).
pub fn limit_memory(cmd: &mut Command) {
    crate::platform::limit_memory(cmd, MEMORY_LIMIT_BYTES);
}

/// The explanation for a test process that ran out of memory, when its
/// output says so.
pub fn out_of_memory(stderr: &str) -> Option<String> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("memory allocation of ") && l.ends_with(" failed"))?;
    Some(format!(
        "the test ran out of memory ({line}): the grader gives each test process {} GiB, and \
         the code kept allocating past it, so the process was aborted. Look for a collection \
         that grows without end (a loop pushing into a Vec or sending on an unbounded \
         channel that nobody reads) or a huge allocation (vec![0; n] with a wrong n).",
        MEMORY_LIMIT_BYTES >> 30
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_s_allocation_failure_is_explained() {
        let stderr = "running 1 test\nmemory allocation of 1073741824 bytes failed\n";
        let message = out_of_memory(stderr).unwrap();
        assert!(
            message.contains("ran out of memory (memory allocation of 1073741824 bytes failed)")
        );
        assert!(message.contains("2 GiB"));
        assert_eq!(
            out_of_memory("thread 'x' panicked at src/lib.rs:1:1:\nboom\n"),
            None
        );
    }
}
