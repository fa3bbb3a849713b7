//! The gateway as a service, whatever the family: health, errors, limits and documents,
//! conditional requests, migrations, database faults, replicas, hardening and security,
//! and the fuzzer's findings.

mod conditional;
mod faults;
mod fuzz_findings;
mod guidance;
pub(crate) mod hardening;
mod http_errors;
mod idempotency;
mod migrations;
mod openapi;
mod openapi_document;
mod ops;
pub(crate) mod process;
mod replicas;
mod request_logs;
mod route_table;
mod security;
mod shutdown;
