//! What may be trusted. A grade is only worth something if the tests that
//! produced it are the course's own: these checks find grading files a
//! learner edited (`integrity`), grade a pull request against files from a
//! trusted ref (`trusted`), and ask git what changed (`git`).

pub mod git;
pub mod integrity;
mod scratch;
pub mod stub;
pub mod suspicious;
pub mod trusted;

/// `["a", "b"]` as owned paths, for the checks' tests.
#[cfg(test)]
fn paths(list: &[&str]) -> Vec<String> {
    list.iter().map(|p| p.to_string()).collect()
}
