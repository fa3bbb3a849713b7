//! A cursor: an opaque position in a list ordered by `(created_at, id)`.

use base64::Engine;
use time::OffsetDateTime;

use crate::DomainError;

/// A position in a list ordered by `(created_at, id)`: the key of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: OffsetDateTime,
    pub id: String,
}

/// The longest id a cursor may carry.
const MAX_ID_LEN: usize = 64;

impl Cursor {
    /// The cursor of a row keyed `(created_at, id)`.
    pub fn of(created_at: OffsetDateTime, id: &impl ToString) -> Self {
        Self {
            created_at,
            id: id.to_string(),
        }
    }

    /// `<microseconds since the epoch>.<id>` in URL-safe base64, without padding.
    pub fn encode(&self) -> String {
        let micros = self.created_at.unix_timestamp_nanos() / 1_000;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{micros}.{}", self.id))
    }

    /// The cursor `raw` encodes; anything else is a 400 naming `field`.
    pub fn decode(field: &str, raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::invalid(field, "is not a cursor returned by this list");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (micros, id) = text.split_once('.').ok_or_else(invalid)?;
        let micros: i128 = micros.parse().map_err(|_| invalid())?;
        let created_at =
            OffsetDateTime::from_unix_timestamp_nanos(micros * 1_000).map_err(|_| invalid())?;
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(invalid());
        }
        Ok(Self {
            created_at,
            id: id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn encoded(text: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    /// The 400 every malformed cursor is: `validation_failed`, naming the parameter.
    fn assert_not_a_cursor(field: &str, raw: &str) {
        match Cursor::decode(field, raw) {
            Err(DomainError::BadRequest { code, errors, .. }) => {
                assert_eq!(code, "validation_failed", "{raw}");
                assert_eq!(errors.len(), 1, "{raw}");
                assert_eq!(errors[0].field, field, "{raw}");
                assert_eq!(
                    errors[0].message, "is not a cursor returned by this list",
                    "{raw}"
                );
            }
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn cursors_round_trip_to_the_microsecond() {
        let c = Cursor {
            created_at: datetime!(2026-02-08 14:12:45.123456 UTC),
            id: "user_4b7c2a1d9e5f3c8b".into(),
        };
        assert_eq!(Cursor::decode("after", &c.encode()).ok(), Some(c.clone()));
        assert_eq!(Cursor::of(c.created_at, &"user_4b7c2a1d9e5f3c8b"), c);
        let before_1970 = Cursor {
            created_at: datetime!(1960-01-01 00:00:00.000001 UTC),
            id: "x".into(),
        };
        assert_eq!(
            Cursor::decode("before", &before_1970.encode()).ok(),
            Some(before_1970)
        );
    }

    #[test]
    fn a_malformed_cursor_is_a_400_naming_its_parameter() {
        assert_not_a_cursor("after", "%%%");
        assert_not_a_cursor("after", "bm9wZQ");
        assert_not_a_cursor("before", "");
        assert_not_a_cursor("before", &encoded("12.")); // no id
        assert_not_a_cursor("after", &encoded("twelve.user_1")); // no time
        assert_not_a_cursor("after", &encoded(&format!("1.{}", "x".repeat(65))));
        assert_not_a_cursor("after", &encoded(&format!("{}.user_1", i128::MAX / 1_000)));
        assert!(Cursor::decode("after", &encoded(&format!("1.{}", "x".repeat(64)))).is_ok());
    }
}
