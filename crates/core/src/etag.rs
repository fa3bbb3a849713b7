//! Weak entity tags from a row's version (its `updated_at`), and `If-Match` /
//! `If-None-Match` against them: one rule for every API that versions its resources
//! (SCIM's `meta.version` and the `ETag` header).

use crate::time::Timestamp;

/// The weak ETag of a row last changed at `updated_at`: `W/"<microseconds since epoch>"`.
pub fn weak(updated_at: Timestamp) -> String {
    let micros = updated_at.unix_timestamp_nanos() / 1_000;
    format!("W/\"{micros}\"")
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
}
