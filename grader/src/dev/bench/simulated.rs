//! Target 5: how much virtual time the solutions' tests simulate per real
//! second, from kata-support's ledger of virtual-time spans.

/// What one test process recorded (kata-support's ledger: `vstart vend
/// rstart rend test` in nanoseconds, one span per line): the virtual seconds
/// its spans cover and the real seconds they took. Each test's spans count
/// as their union, so a stopwatch around a `no_hang` counts once; different
/// tests are added up, since each runs its own paused clock.
pub fn merged_spans(text: &str) -> (f64, f64) {
    type Spans = Vec<(i128, i128)>;
    let mut per_test: std::collections::BTreeMap<&str, (Spans, Spans)> = Default::default();
    for line in text.lines() {
        let fields: Vec<i128> = line
            .split_whitespace()
            .map_while(|f| f.parse().ok())
            .collect();
        let test = line.split_whitespace().nth(4).unwrap_or("");
        if let [vs, ve, rest @ ..] = fields.as_slice() {
            let (virtual_spans, real_spans) = per_test.entry(test).or_default();
            virtual_spans.push((*vs, *ve));
            if let [rs, re] = rest {
                real_spans.push((*rs, *re));
            }
        }
    }
    per_test
        .into_values()
        .map(|(v, r)| (union_secs(v), union_secs(r)))
        .fold((0.0, 0.0), |(v, r), (tv, tr)| (v + tv, r + tr))
}

/// How many tests wrote to one process's ledger file.
pub fn reporting_tests(text: &str) -> usize {
    let tests: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.split_whitespace().nth(4))
        .collect();
    tests.len()
}

/// The length of the union of `[start, end)` spans, in seconds.
fn union_secs(mut spans: Vec<(i128, i128)>) -> f64 {
    spans.retain(|(start, end)| end > start);
    spans.sort();
    let mut total: i128 = 0;
    let mut current: Option<(i128, i128)> = None;
    for (start, end) in spans {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total as f64 / 1e9
}

/// Target 5's figures.
#[derive(Default)]
pub struct Simulated {
    pub virtual_secs: f64,
    /// The real time the recorded spans took: the tests' own code running
    /// on the paused clock, without process start-up.
    pub in_span_real_secs: f64,
    /// Test processes that recorded any virtual time.
    pub reporting_processes: usize,
    /// Tests that recorded any virtual time.
    pub reporting_tests: usize,
    pub runtime_tests: usize,
    /// Summed wall time of the runtime tests' processes.
    pub runtime_secs: f64,
    /// Summed wall time of the trybuild suites (compiling, not simulating).
    pub compile_check_secs: f64,
    /// The whole `grader --solutions --no-cache` run.
    pub wall_secs: f64,
    pub rss_kib: u64,
}

impl std::fmt::Display for Simulated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per = |real: f64| self.virtual_secs / real.max(f64::EPSILON);
        writeln!(
            f,
            "5. virtual time on the solutions: {:.1} virtual s, recorded by {} of {} runtime tests (in {} processes)",
            self.virtual_secs, self.reporting_tests, self.runtime_tests, self.reporting_processes
        )?;
        writeln!(
            f,
            "   per real second of the runtime tests' processes ({:.2} s, start-up included): {:.0}x   (goal >= 1000x)",
            self.runtime_secs,
            per(self.runtime_secs)
        )?;
        writeln!(
            f,
            "   per real second inside the measured spans ({:.3} s, the tests' own code): {:.0}x",
            self.in_span_real_secs,
            per(self.in_span_real_secs)
        )?;
        write!(
            f,
            "   per real second of the whole run ({:.2} s wall; the trybuild suites' processes, compiling, took {:.2} s of it side by side): {:.0}x",
            self.wall_secs,
            self.compile_check_secs,
            per(self.wall_secs)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_count_once() {
        // A stopwatch from 0 to 5 s around a no_hang from 1 to 3 s, then a
        // separate 2 s span; real times alongside.
        let text = "1000000000 3000000000 10 20\n0 5000000000 0 30\n7000000000 9000000000 40 50\n";
        let (virtual_secs, real_secs) = merged_spans(text);
        assert_eq!(virtual_secs, 7.0);
        assert_eq!(real_secs, 40e-9);
        // A negative start (before the first span seen), and the old format.
        assert_eq!(
            merged_spans("-2000000000 1000000000\n0 500000000\n"),
            (3.0, 0.0)
        );
        assert_eq!(merged_spans("garbage\n5 5 1 1\n"), (0.0, 0.0));
        // Two tests in one process: each ran its own paused clock, so
        // their virtual spans overlap and still both count.
        let text = "0 4000000000 0 10 first\n1000000000 3000000000 20 30 second\n";
        assert_eq!(merged_spans(text), (6.0, 20e-9));
        assert_eq!(reporting_tests(text), 2);
    }
}
