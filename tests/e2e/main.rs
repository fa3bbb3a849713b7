//! End-to-end tests: the real gateway over real HTTP against a real PostgreSQL.
//! Run them with `cargo xtask test`.

// Tests and their helpers fail by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod app;
mod console;
mod events;
mod external;
mod metadata;
mod plans;
mod platform;
mod scim;
mod slack;
