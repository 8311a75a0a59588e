//! The learner's commands beside grading: `hint`, `list`, `reset` and
//! `watch`. Each is a module with one job; they share the progress kept in
//! [`crate::learner::state`].

pub mod hint;
pub mod list;
pub mod next;
pub mod progress;
pub mod reset;
pub mod solution;
pub mod state;
pub mod watch;
