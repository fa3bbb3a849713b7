//! End-to-end tests: the real gateway over real HTTP against a real PostgreSQL.
//! Run them with `cargo xtask test`.

// Tests and their helpers fail by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod app_users;
mod artifacts;
mod events;
mod external_auth;
mod external_catalog;
mod external_groups;
mod external_user_lists;
mod external_users;
mod external_workspaces;
mod faults;
mod fuzz_findings;
mod gateway;
mod hardening;
mod integrations;
mod members;
mod migrations;
mod openapi_document;
mod project_fixtures;
mod project_lists;
mod projects;
mod replicas;
mod security;
mod sessions;
mod slack;
mod tokens;
