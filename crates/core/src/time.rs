//! Timestamps: `timestamptz` in the database, RFC 3339 in UTC with a `Z` suffix on the wire.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub use time::OffsetDateTime as Timestamp;

/// The current time, truncated to microseconds as PostgreSQL stores it, so that a value
/// written and read back compares equal.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.microsecond();
    now.replace_microsecond(micros).unwrap_or(now)
}

/// Renders `ts` as RFC 3339 in UTC with whole seconds, e.g. `2026-02-08T14:12:45Z`
/// (the App family's format).
pub fn format_seconds(ts: OffsetDateTime) -> String {
    let ts = ts.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        ts.year(),
        u8::from(ts.month()),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    )
}

/// Renders `ts` as RFC 3339 in UTC with milliseconds, e.g. `2026-02-08T14:12:45.123Z`.
pub fn format_millis(ts: OffsetDateTime) -> String {
    let ts = ts.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        ts.year(),
        u8::from(ts.month()),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second(),
        ts.millisecond()
    )
}

/// Parses an RFC 3339 timestamp with any offset.
pub fn parse(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &Rfc3339).ok()
}

/// `#[serde(with = "roster_core::time::seconds")]`: RFC 3339, UTC, whole seconds.
pub mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(ts: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_seconds(*ts))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let raw = String::deserialize(d)?;
        super::parse(&raw).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 timestamp"))
    }

    /// The same for `Option<OffsetDateTime>`.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::OffsetDateTime;

        pub fn serialize<S: Serializer>(
            ts: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match ts {
                Some(ts) => s.serialize_str(&super::super::format_seconds(*ts)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(raw) => super::super::parse(&raw)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 timestamp")),
            }
        }
    }
}

/// `#[serde(with = "roster_core::time::millis")]`: RFC 3339, UTC, milliseconds.
pub mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(ts: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_millis(*ts))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let raw = String::deserialize(d)?;
        super::parse(&raw).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 timestamp"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_in_utc_with_z() {
        let ts = datetime!(2026-02-08 16:12:45.123456 +02:00);
        assert_eq!(format_seconds(ts), "2026-02-08T14:12:45Z");
        assert_eq!(format_millis(ts), "2026-02-08T14:12:45.123Z");
    }

    #[test]
    fn parses_what_it_formats() {
        let ts = datetime!(2026-02-08 14:12:45 UTC);
        assert_eq!(parse(&format_seconds(ts)), Some(ts));
        assert_eq!(parse("yesterday"), None);
    }
}
