//! What the repository holds: its katas, each kata's `kata.toml`, and the
//! cargo metadata they are found with. Everything else reads the course
//! through these types and never walks `katas/` itself.

pub mod assignments;
pub mod backup;
pub mod discover;
pub mod kata_file;
pub mod metadata_cache;
