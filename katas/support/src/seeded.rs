//! Irregular inputs that can be replayed.
//!
//! A test whose numbers are round passes code that is wrong in a round way:
//! a loop that checks the clock every 10 ms lands exactly on a 300 ms
//! deadline, and "collect in completion order, then sort" looks right when
//! ids arrive sorted and every job takes as long as the next. Seeded inputs
//! break those coincidences: odd durations, shuffled ids, unequal job times,
//! values repeated, each case generated from a seed.
//!
//! The seeds are fixed (derived from the test's name), so a test is exactly
//! as deterministic as one with hand-written numbers: the same cases run on
//! every run, for every learner. When a case fails, its failure message ends
//! with the seed and a command that replays exactly that case:
//!
//! ```text
//! This case was generated from seed 8421704462. Replay just this case:
//!   KATA_SEED=8421704462 cargo test -p kata-07-timeout --test grading -- some_test --exact
//! ```
//!
//! With `KATA_SEED` set, [`for_each_seed`] runs only that seed.

use std::future::Future;

use crate::panics::CaseNote;

/// The variable that replays one seed.
pub const SEED_ENV: &str = "KATA_SEED";

/// A small deterministic random number generator (SplitMix64).
///
/// Enough to shuffle ids and pick durations; never used for anything that
/// must be unpredictable. The same seed always gives the same numbers, on
/// every platform.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0): the range is empty");
        // Rejection sampling, so small ranges are not biased.
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo <= hi, "Rng::range({lo}, {hi}): the range is empty");
        lo + self.below(hi - lo + 1)
    }

    /// `true` with probability `numerator / denominator`.
    pub fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    /// A duration in milliseconds, in `lo..=hi`, that is *not* a multiple of
    /// 5: code that polls the clock every 5, 10, 50 or 100 ms never lands on
    /// it exactly, so it overshoots and the elapsed time shows it.
    pub fn odd_ms(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(
            hi - lo >= 5,
            "Rng::odd_ms({lo}, {hi}): give the range room for odd values"
        );
        loop {
            let ms = self.range(lo, hi);
            if !ms.is_multiple_of(5) {
                return ms;
            }
        }
    }

    /// `n` different odd durations (see [`Rng::odd_ms`]) in `lo..=hi`, in a
    /// random order: no two jobs finish at the same instant, and the order
    /// they finish in is not the order they were given.
    pub fn distinct_odd_ms(&mut self, n: usize, lo: u64, hi: u64) -> Vec<u64> {
        let room = (lo..=hi).filter(|ms| !ms.is_multiple_of(5)).count();
        assert!(
            room >= n,
            "Rng::distinct_odd_ms: {lo}..={hi} holds only {room} odd values, {n} asked"
        );
        let mut picked: Vec<u64> = Vec::with_capacity(n);
        while picked.len() < n {
            let ms = self.odd_ms(lo, hi);
            if !picked.contains(&ms) {
                picked.push(ms);
            }
        }
        picked
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// The numbers `0..n`, shuffled.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        self.shuffle(&mut order);
        order
    }

    /// One of `items`, at random.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        assert!(!items.is_empty(), "Rng::pick on an empty slice");
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The seed of case `index` of the test called `test`: fixed, so every run
/// (and every learner) gets the same cases.
pub fn seed_for(test: &str, index: u32) -> u64 {
    // FNV-1a of the name, then one SplitMix step per index.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in test.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut rng = Rng::new(hash ^ u64::from(index).wrapping_mul(0xA24B_AED4_963E_E407));
    // Keep seeds short enough to read and type.
    rng.next_u64() % 10_000_000_000
}

/// The seeds a seeded test runs: `cases` fixed seeds, or only `KATA_SEED`
/// when it is set (a replay).
pub fn seeds(test: &str, cases: u32) -> Vec<u64> {
    match std::env::var(SEED_ENV) {
        Ok(value) => match value.trim().parse() {
            Ok(seed) => vec![seed],
            Err(_) => {
                panic!("{SEED_ENV}={value:?} is not a seed: give the number a failure printed")
            }
        },
        Err(_) => (0..cases).map(|index| seed_for(test, index)).collect(),
    }
}

/// Runs `case` once for each of `cases` seeds, one after the other, each
/// with a fresh [`Rng`]. A failure names its seed and how to replay it.
///
/// Runs inside the test's runtime (usually the paused current-thread one),
/// so every case is as deterministic as the seed that made it.
pub async fn for_each_seed<F, Fut>(cases: u32, mut case: F)
where
    F: FnMut(Rng) -> Fut,
    Fut: Future<Output = ()>,
{
    for seed in seeds(&test_name(), cases) {
        let _note = CaseNote::set(replay_note(seed));
        crate::timeline::reset();
        case(Rng::new(seed)).await;
    }
}

/// The same, for a plain `#[test]` that builds its own runtimes.
pub fn for_each_seed_sync(cases: u32, mut case: impl FnMut(Rng)) {
    for seed in seeds(&test_name(), cases) {
        let _note = CaseNote::set(replay_note(seed));
        crate::timeline::reset();
        case(Rng::new(seed));
    }
}

/// What a failing case adds to its message.
fn replay_note(seed: u64) -> String {
    format!(
        "This case was generated from seed {seed}. Replay just this case:\n  {SEED_ENV}={seed} {}",
        replay_command()
    )
}

/// `cargo test -p <package> --test <target> -- <test> --exact`, from what
/// the test process knows about itself (cargo and the grader both set
/// `CARGO_PKG_NAME`; libtest names the test's thread after the test).
pub fn replay_command() -> String {
    let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|stem| match stem.rsplit_once('-') {
            // Cargo names test binaries `<target>-<16 hex digits>`.
            Some((target, hash)) if hash.len() == 16 => target.to_string(),
            _ => stem,
        })
        .unwrap_or_default();
    let test = test_name();
    let mut command = String::from("cargo test");
    if !package.is_empty() {
        command.push_str(&format!(" -p {package}"));
    }
    if !target.is_empty() {
        command.push_str(&format!(" --test {target}"));
    }
    if !test.is_empty() {
        command.push_str(&format!(" -- {test} --exact"));
    }
    command
}

/// The running test's name: libtest names each test's thread after it.
fn test_name() -> String {
    match std::thread::current().name() {
        Some(name) if name != "main" => name.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = {
            let mut rng = Rng::new(7);
            (0..5).map(|_| rng.next_u64()).collect()
        };
        let mut rng = Rng::new(7);
        assert_eq!(a, (0..5).map(|_| rng.next_u64()).collect::<Vec<_>>());
    }

    #[test]
    fn odd_durations_are_never_multiples_of_five() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let ms = rng.odd_ms(100, 900);
            assert!((100..=900).contains(&ms) && !ms.is_multiple_of(5), "{ms}");
        }
        let distinct = rng.distinct_odd_ms(8, 300, 320);
        let mut sorted = distinct.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 8);
    }

    #[test]
    fn a_permutation_holds_every_index_once() {
        let mut rng = Rng::new(3);
        let mut order = rng.permutation(10);
        order.sort();
        assert_eq!(order, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn seeds_are_fixed_per_test_and_differ_between_cases() {
        assert_eq!(seed_for("a", 0), seed_for("a", 0));
        assert_ne!(seed_for("a", 0), seed_for("a", 1));
        assert_ne!(seed_for("a", 0), seed_for("b", 0));
    }

    #[test]
    fn the_replay_command_names_the_test() {
        let command = replay_command();
        assert!(
            command.contains("-- seeded::tests::the_replay_command_names_the_test --exact"),
            "{command}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn every_case_runs_with_its_own_numbers() {
        let mut seen = Vec::new();
        for_each_seed(4, |mut rng| {
            seen.push(rng.next_u64());
            async {}
        })
        .await;
        if std::env::var(SEED_ENV).is_err() {
            assert_eq!(seen.len(), 4);
            seen.dedup();
            assert_eq!(seen.len(), 4);
        }
    }
}
