//! `roster-core`: the vocabulary every Roster crate shares.
//!
//! Typed ids, timestamps, pagination, the domain error, validated newtypes, secrets,
//! the database pool and the embedded migrations. Nothing here knows HTTP.

pub mod credential;
pub mod db;
pub mod error;
pub mod etag;
pub mod events;
pub mod expiry;
pub mod feed;
pub mod id;
pub mod idempotency;
pub mod imports;
pub mod jwt;
pub mod keys;
pub mod metadata;
pub mod migrations;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod patch;
pub mod schema;
pub mod sealed;
pub mod search;
pub mod secret;
pub mod text;
pub mod text_enum;
pub mod time;

pub use error::{DomainError, FieldError};

/// Serde helpers shared by request types.
pub mod serde_ext {
    use serde::Deserializer;

    /// For `Option<i64>` fields with `#[serde(default, deserialize_with = ...)]`: a JSON
    /// number that is a whole number, written as `30` or as `30.0` (JSON Schema's
    /// `integer` is both, and some clients' encoders write every number with a fraction);
    /// `30.5`, a string or one beyond `i64` is an error naming what was expected.
    pub fn whole_number<'de, D>(d: D) -> Result<Option<i64>, D::Error>
    where
        D: Deserializer<'de>,
    {
        struct Whole;
        impl serde::de::Visitor<'_> for Whole {
            type Value = Option<i64>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v)
                    .map(Some)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // Every f64 in this range with no fraction is exactly an i64.
                if v.fract() == 0.0 && (-9.0e18..=9.0e18).contains(&v) {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(Some(v as i64))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
                }
            }
        }
        d.deserialize_any(Whole)
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize, Debug)]
        struct Body {
            #[serde(default, deserialize_with = "super::whole_number")]
            n: Option<i64>,
        }

        fn n(json: &str) -> Result<Option<i64>, String> {
            serde_json::from_str::<Body>(json)
                .map(|b| b.n)
                .map_err(|e| e.to_string())
        }

        #[test]
        fn whole_numbers_are_taken_with_or_without_a_fraction_of_zero() {
            assert_eq!(n(r#"{"n": 30}"#), Ok(Some(30)));
            assert_eq!(n(r#"{"n": 30.0}"#), Ok(Some(30)));
            assert_eq!(n(r#"{"n": -2}"#), Ok(Some(-2)));
            assert_eq!(n(r#"{"n": 3e2}"#), Ok(Some(300)));
            assert_eq!(n(r#"{"n": null}"#), Ok(None));
            assert_eq!(n("{}"), Ok(None));
            for bad in [
                r#"{"n": 30.5}"#,
                r#"{"n": "30"}"#,
                r#"{"n": 1e300}"#,
                r#"{"n": 18446744073709551615}"#,
                r#"{"n": true}"#,
            ] {
                let err = n(bad).unwrap_err();
                assert!(err.contains("a whole number"), "{bad}: {err}");
            }
        }
    }
}
