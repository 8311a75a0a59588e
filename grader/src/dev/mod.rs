//! The instructor's and the maintainer's tools, kept out of the learner's
//! path: `verify` proves every kata sound, `new` scaffolds a kata, and
//! `bench` measures the grader against raw cargo.

pub mod bench;
pub mod scaffold;
pub mod verify;
