//! Entity tags from a row's version (its `updated_at`), and `If-Match` / `If-None-Match`
//! against them: one rule for every API that versions its resources. SCIM gives weak tags
//! (`meta.version`, compared weakly as SCIM clients send them back); the JSON APIs give
//! strong ones (`ETag`), and their `If-Match` compares strongly (RFC 9110 §13.1.1), by a
//! [`Precondition`] that the domain function checks on the locked row.

use crate::error::{DomainError, DomainResult};
use crate::time::Timestamp;

/// A row's version in microseconds since the epoch (PostgreSQL's precision).
fn micros(updated_at: Timestamp) -> i128 {
    updated_at.unix_timestamp_nanos() / 1_000
}

/// The weak ETag of a row last changed at `updated_at`: `W/"<microseconds since epoch>"`.
pub fn weak(updated_at: Timestamp) -> String {
    format!("W/\"{}\"", micros(updated_at))
}

/// The strong ETag of a row last changed at `updated_at`: `"<microseconds since epoch>"`.
pub fn strong(updated_at: Timestamp) -> String {
    format!("\"{}\"", micros(updated_at))
}

/// A resource whose representation changes with its row's `updated_at`.
pub trait Versioned {
    fn version(&self) -> Timestamp;

    /// Its strong ETag.
    fn etag(&self) -> String {
        strong(self.version())
    }
}

/// Implements [`Versioned`] for types with an `updated_at: Timestamp` field.
#[macro_export]
macro_rules! versioned {
    ($($ty:ty),+ $(,)?) => {
        $(impl $crate::etag::Versioned for $ty {
            fn version(&self) -> $crate::time::Timestamp {
                self.updated_at
            }
        })+
    };
}

/// The opaque part of a tag, without `W/` and the quotes: tags compare weakly.
fn opaque(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag
        .strip_prefix("W/")
        .or_else(|| tag.strip_prefix("w/"))
        .unwrap_or(tag);
    tag.trim_matches('"')
}

/// Whether an `If-Match` header value (`*`, or a comma-separated list of tags) matches
/// the current tag. Comparison is weak (RFC 9110 §8.8.3.2), as SCIM clients send back the
/// weak tags they were given.
pub fn if_match(header: &str, current: &str) -> bool {
    let header = header.trim();
    header == "*"
        || header
            .split(',')
            .any(|tag| !opaque(tag).is_empty() && opaque(tag) == opaque(current))
}

/// Whether an `If-None-Match` header value (`*`, or a list of tags) names the current
/// tag: then a GET answers 304. Comparison is weak (RFC 9110 §13.1.2).
pub fn if_none_match(header: &str, current: &str) -> bool {
    if_match(header, current)
}

/// Whether `tag` is a well-formed strong tag equal to `current` (strong comparison: a
/// weak or unquoted tag never matches).
fn strongly_equal(tag: &str, current: &str) -> bool {
    let tag = tag.trim();
    tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"') && tag == current
}

/// What a write requires of the resource's current version (the request's `If-Match`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Precondition {
    /// None: the last write wins.
    #[default]
    None,
    /// `If-Match`: `*` (any current version), or a list of strong tags, one of which must
    /// be current. A malformed value matches nothing.
    IfMatch(String),
}

impl Precondition {
    /// From an `If-Match` header's value, if there is one.
    pub fn if_match(header: Option<&str>) -> Self {
        header.map_or(Self::None, |h| Self::IfMatch(h.to_owned()))
    }

    /// Whether the write may go ahead on a resource last changed at `updated_at`: a stale
    /// or malformed tag is a 412 (`precondition_failed`).
    pub fn check(&self, updated_at: Timestamp) -> DomainResult<()> {
        let Self::IfMatch(header) = self else {
            return Ok(());
        };
        let current = strong(updated_at);
        if header.trim() == "*" || header.split(',').any(|t| strongly_equal(t, &current)) {
            Ok(())
        } else {
            Err(DomainError::precondition_failed(
                "If-Match does not name the resource's current ETag; read it again",
            ))
        }
    }

    /// [`check`](Self::check)s the version `version` reads, inside the write's
    /// transaction and under a lock on the row (`SELECT ... FOR UPDATE`), so that of two
    /// writes with the same tag only the first passes. Reads nothing without a
    /// precondition; a missing row passes (the write then finds it missing: a 404).
    pub async fn check_row(
        &self,
        version: impl AsyncFnOnce() -> diesel::QueryResult<Option<Timestamp>>,
    ) -> DomainResult<()> {
        if *self == Self::None {
            return Ok(());
        }
        match version().await? {
            Some(updated_at) => self.check(updated_at),
            None => Ok(()),
        }
    }
}

/// [`Precondition::check_row`] on the row of `$table` (a diesel table with an
/// `updated_at` column) whose primary key is `$key`, read `FOR UPDATE` on `$conn`. Needs
/// `diesel::prelude::*` and `diesel_async::RunQueryDsl` in scope.
///
/// ```ignore
/// roster_core::check_locked!(pre, conn, org_groups, (org_id, id)).await?;
/// ```
#[macro_export]
macro_rules! check_locked {
    ($pre:expr, $conn:expr, $table:ident, $key:expr) => {
        $pre.check_row(async || {
            $table::table
                .find($key)
                .select($table::updated_at)
                .for_update()
                .first($conn)
                .await
                .optional()
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_weak_and_compare_weakly() {
        let at = time::macros::datetime!(2026-12-10 10:00:00.123456 UTC);
        let tag = weak(at);
        assert_eq!(tag, "W/\"1796896800123456\"");
        assert!(if_match(&tag, &tag));
        assert!(if_match("\"1796896800123456\"", &tag));
        assert!(if_match("*", &tag));
        assert!(if_match("W/\"1\", W/\"1796896800123456\"", &tag));
        assert!(!if_match("W/\"1796896800123457\"", &tag));
        assert!(!if_match("W/\"\"", &tag));
    }

    #[test]
    fn preconditions_compare_strongly() {
        let at = time::macros::datetime!(2026-12-10 10:00:00.123456 UTC);
        assert_eq!(strong(at), "\"1796896800123456\"");
        let ok = |h: &str| Precondition::if_match(Some(h)).check(at).is_ok();
        assert!(Precondition::None.check(at).is_ok());
        assert!(ok("\"1796896800123456\""));
        assert!(ok(" * "));
        assert!(ok("\"1\", \"1796896800123456\""));
        assert!(!ok("W/\"1796896800123456\""));
        assert!(!ok("1796896800123456"));
        assert!(!ok("\"1796896800123457\""));
        assert!(!ok(""));
        assert!(!ok("\""));
        let err = Precondition::if_match(Some("\"1\"")).check(at).unwrap_err();
        assert!(matches!(err, DomainError::PreconditionFailed { .. }));
    }
}
