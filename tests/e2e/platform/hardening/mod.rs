//! Hardening (issue 7): tenant isolation over every route, limits on bodies, strings and
//! credential endpoints, and no plaintext secret at rest. The tables are checked against
//! the gateway's own `/openapi.json`, so that a new route cannot be forgotten.

mod db_scan;
mod isolation;
mod limits;
pub(crate) mod operations;
mod secrets_at_rest;
mod tenants;
