//! Wrong: "sanitizes" the name, replacing every character that is not ASCII alphanumeric, '-' or '_' with '-', so a name with spaces, punctuation or non-ASCII letters is changed.
//! Caught by: every_thread_it_starts_carries_the_given_name

use tokio::runtime::Runtime;

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(sanitize(name))
        .enable_all()
        .build()
}
