//! Validated text newtypes: parse once at the edge, so domain code never sees raw strings.

use std::fmt;

use serde::Serialize;
use validator::ValidateEmail;

use crate::DomainError;

/// An email address: trimmed, at most 254 characters, one `@` with a dotted-or-local domain.
/// Comparison for uniqueness is case-insensitive (done by the database on `lower(email)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// `field` names the input in the error, e.g. `user_info.email`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        if value.chars().count() > 254 || !value.validate_email() {
            return Err(DomainError::invalid(field, "must be a valid email address"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL-safe name: 1..=63 characters of `a-z`, `0-9` and inner `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let ok = !raw.is_empty()
            && raw.len() <= 63
            && raw
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                field,
                "must be 1 to 63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text with a length bound in characters, trimmed, without control characters.
pub fn bounded(field: &str, raw: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let value = raw.trim();
    let len = value.chars().count();
    if len < min || len > max {
        let message = if min <= 1 && len == 0 {
            "must not be empty".to_owned()
        } else {
            format!("must be {min} to {max} characters long")
        };
        return Err(DomainError::invalid(field, message));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// `bounded` for an optional value; an empty or blank string counts as absent.
pub fn bounded_opt(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, 1, max).map(Some),
    }
}

/// Whether a search term can be served by the words index (`search_words`, migration
/// 2026-12-01-000016_user_search_words): at least a trigram long, and made of letters and
/// digits only, so that wherever it occurs in the searched text it lies within one word
/// (the database splits words at whitespace, punctuation and control characters, which
/// are never letters or digits, whatever the collation), and not of ASCII digits only
/// (the words index leaves out words of ASCII digits only: a term with any other
/// character cannot lie within one of them). Other terms take the trigram index over the
/// whole text.
pub fn within_one_word(term: &str) -> bool {
    term.chars().count() >= 3
        && term.chars().all(char::is_alphanumeric)
        && !term.chars().all(|c| c.is_ascii_digit())
}

/// Escapes `%`, `_` and `\` for use inside an `ILIKE` pattern.
pub fn like_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    for c in raw.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_within_one_word() {
        for term in [
            "kat",
            "Katesas",
            "user42",
            "42user",
            "Müller",
            "Łukasz",
            "李小龍",
            "١٢٣",
        ] {
            assert!(within_one_word(term), "{term}");
        }
        for term in [
            "ka",
            "",
            "a.b",
            "sasha lov",
            "o'neil",
            "x-ray",
            "50%",
            "a_b",
            "tab\tx",
            "123",
            "2026",
        ] {
            assert!(!within_one_word(term), "{term}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("e", "  a@b.co ").map(|e| e.into_inner()).ok(),
            Some("a@b.co".into())
        );
        for bad in ["", "   ", "nope", "a@", "@b.co", "a b@c.co"] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse("e", &long).is_err());
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("s", "default").is_ok());
        assert!(Slug::parse("s", "aurora-labs-2").is_ok());
        for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
            assert!(Slug::parse("s", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_count_characters() {
        assert!(bounded("n", "ab", 3, 50).is_err());
        assert!(bounded("n", "abc", 3, 50).is_ok());
        assert!(bounded("n", &"é".repeat(50), 3, 50).is_ok());
        assert!(bounded("n", &"é".repeat(51), 3, 50).is_err());
        assert!(bounded("n", "a\u{0}b", 1, 50).is_err());
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
