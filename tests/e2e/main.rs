//! End-to-end tests: the real gateway over real HTTP against a real PostgreSQL.
//! Run them with `cargo xtask test`.

mod app_users;
mod gateway;
mod migrations;
mod sessions;
mod tokens;
