//! `imports::run` and `imports::export` without HTTP, on a database cloned from the
//! template: the three forms, every kind of bad line, conflicts, dry runs, events,
//! counters and words, imported password hashes at sign-in, and the round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forms;
mod helpers;
mod runs;
