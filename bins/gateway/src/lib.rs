//! `roster-gateway`: the only crate that knows actix-web. Handlers extract, authorise,
//! call one domain service and serialise.

mod answers;
pub mod audit_cli;
pub mod auth;
pub mod background;
pub mod cli;
pub mod config;
pub mod console;
pub mod credentials;
pub mod defences;
pub mod error;
pub mod event_context;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod notified;
pub mod openapi;
pub mod principals;
pub mod rate_limit;
pub mod routes;
pub mod scim_clients;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod transfer;
pub mod writer;
