//! `roster-core`: the vocabulary every Roster crate shares.
//!
//! Typed ids, timestamps, pagination, the domain error, validated newtypes, secrets,
//! the database pool and the embedded migrations. Nothing here knows HTTP.

pub mod db;
pub mod error;
pub mod id;
pub mod migrations;
pub mod page;
pub mod secret;
pub mod text;
pub mod text_enum;
pub mod time;

pub use error::{DomainError, FieldError};
