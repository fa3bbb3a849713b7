//! Timestamps: `timestamptz` in the database, RFC 3339 in UTC with a `Z` suffix on the wire.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub use time::OffsetDateTime as Timestamp;

/// Writes every `Timestamp` field of a wire struct by one rule: see the macro's docs.
pub use roster_macros::timestamps;

/// The current time, truncated to microseconds as PostgreSQL stores it, so that a value
/// written and read back compares equal.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.microsecond();
    now.replace_microsecond(micros).unwrap_or(now)
}

/// RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, written into a stack buffer (no
/// formatting machinery: a page of 20 users writes 40 of them, and `format!` here was 6%
/// of the gateway's time on a list page). Years outside 0..=9999 use `format!`.
struct Rfc3339Utc {
    bytes: [u8; 24],
    len: usize,
}

impl Rfc3339Utc {
    fn new(ts: OffsetDateTime, millis: bool) -> Option<Self> {
        let ts = ts.to_offset(UtcOffset::UTC);
        let year = u32::try_from(ts.year()).ok().filter(|y| *y <= 9999)?;
        let mut bytes = *b"0000-00-00T00:00:00.000Z";
        put_digits(&mut bytes[0..4], year);
        put_digits(&mut bytes[5..7], u8::from(ts.month()).into());
        put_digits(&mut bytes[8..10], ts.day().into());
        put_digits(&mut bytes[11..13], ts.hour().into());
        put_digits(&mut bytes[14..16], ts.minute().into());
        put_digits(&mut bytes[17..19], ts.second().into());
        let len = if millis {
            put_digits(&mut bytes[20..23], ts.millisecond().into());
            24
        } else {
            bytes[19] = b'Z';
            20
        };
        Some(Self { bytes, len })
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation were written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// Writes `value`'s last `dst.len()` decimal digits, zero-padded.
fn put_digits(dst: &mut [u8], mut value: u32) {
    for digit in dst.iter_mut().rev() {
        // `value % 10` < 10: the cast keeps it.
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn format_slowly(ts: OffsetDateTime, millis: bool) -> String {
    let ts = ts.to_offset(UtcOffset::UTC);
    let date = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        ts.year(),
        u8::from(ts.month()),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    );
    if millis {
        format!("{date}.{:03}Z", ts.millisecond())
    } else {
        format!("{date}Z")
    }
}

fn serialize_rfc3339<S: serde::Serializer>(
    ts: OffsetDateTime,
    millis: bool,
    s: S,
) -> Result<S::Ok, S::Error> {
    match Rfc3339Utc::new(ts, millis) {
        Some(text) => s.serialize_str(text.as_str()),
        None => s.serialize_str(&format_slowly(ts, millis)),
    }
}

fn serialize_optional<S: serde::Serializer>(
    ts: Option<OffsetDateTime>,
    millis: bool,
    s: S,
) -> Result<S::Ok, S::Error> {
    match ts {
        Some(ts) => serialize_rfc3339(ts, millis, s),
        None => s.serialize_none(),
    }
}

/// Renders `ts` as RFC 3339 in UTC with whole seconds, e.g. `2026-02-08T14:12:45Z`
/// (the App family's format).
pub fn format_seconds(ts: OffsetDateTime) -> String {
    match Rfc3339Utc::new(ts, false) {
        Some(text) => text.as_str().to_owned(),
        None => format_slowly(ts, false),
    }
}

/// Renders `ts` as RFC 3339 in UTC with milliseconds, e.g. `2026-02-08T14:12:45.123Z`.
pub fn format_millis(ts: OffsetDateTime) -> String {
    match Rfc3339Utc::new(ts, true) {
        Some(text) => text.as_str().to_owned(),
        None => format_slowly(ts, true),
    }
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
        super::serialize_rfc3339(*ts, false, s)
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
            super::super::serialize_optional(*ts, false, s)
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
        super::serialize_rfc3339(*ts, true, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let raw = String::deserialize(d)?;
        super::parse(&raw).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 timestamp"))
    }

    /// The same for `Option<OffsetDateTime>` (serialising only).
    pub mod option {
        pub fn serialize<S: serde::Serializer>(
            ts: &Option<time::OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            super::super::serialize_optional(*ts, true, s)
        }
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
    fn writes_what_format_writes_across_the_range() {
        let mut ts = datetime!(0000-01-01 00:00:00.000999 UTC);
        let step = time::Duration::seconds(86_400 * 37 + 3_601) + time::Duration::milliseconds(7);
        let mut checked = 0;
        while ts.year() <= 9999 {
            assert_eq!(format_seconds(ts), format_slowly(ts, false));
            assert_eq!(format_millis(ts), format_slowly(ts, true));
            checked += 1;
            match ts.checked_add(step) {
                Some(next) => ts = next,
                None => break,
            }
        }
        assert!(checked > 90_000, "{checked}");
        let last = datetime!(9999-12-31 23:59:59.999 UTC);
        assert_eq!(format_millis(last), "9999-12-31T23:59:59.999Z");
        let ancient = datetime!(-0044-03-15 12:00:00 UTC);
        assert_eq!(format_seconds(ancient), "-044-03-15T12:00:00Z");
        let json = serde_json::to_string(&Stamp { at: last }).unwrap();
        assert_eq!(json, r#"{"at":"9999-12-31T23:59:59Z"}"#);
    }

    #[derive(serde::Serialize)]
    struct Stamp {
        #[serde(with = "super::seconds")]
        at: OffsetDateTime,
    }

    #[test]
    fn parses_what_it_formats() {
        let ts = datetime!(2026-02-08 14:12:45 UTC);
        assert_eq!(parse(&format_seconds(ts)), Some(ts));
        assert_eq!(parse("yesterday"), None);
    }
}
