//! The holes the Accounts security review found, each shown closed: a test here failed
//! before its fix (see docs/security.md).

mod api_key_revocation;
mod body_timeout;
mod client_address;
mod connection_cap;
mod credential_caches;
mod headers;
mod identity_keys;
mod logs;
mod metrics_access;
mod origins;
mod password_hashing;
mod passwords;
mod slack_registration;
mod slack_replay;
