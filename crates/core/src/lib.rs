//! `roster-core`: the vocabulary every Roster crate shares.
//!
//! Typed ids, timestamps, pagination, the domain error, validated newtypes, secrets,
//! the database pool and the embedded migrations. Nothing here knows HTTP.

pub mod db;
pub mod error;
pub mod id;
pub mod jwt;
pub mod migrations;
pub mod page;
pub mod secret;
pub mod text;
pub mod text_enum;
pub mod time;

pub use error::{DomainError, FieldError};

/// Serde helpers shared by request types.
pub mod serde_ext {
    use serde::{Deserialize, Deserializer};

    /// For `Option<Option<T>>` fields with `#[serde(default, deserialize_with = ...)]`:
    /// absent -> `None` (leave as is), `null` -> `Some(None)` (clear), value -> `Some(Some(v))`.
    pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}
