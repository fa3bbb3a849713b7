//! Validation shared by the request bodies of this family.

pub use roster_core::error::FieldErrors as Errors;
use roster_core::text::bounded;
use roster_core::DomainError;

/// Names of external users, channels, tiers and groups: 3 to 50 characters.
pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 50;
/// External references: 3 to 250 characters.
pub const EXTERNAL_ID_MIN: usize = 3;
pub const EXTERNAL_ID_MAX: usize = 250;
/// Identifiers (usernames, emails, phone numbers): 1 to 250 characters.
pub const IDENTIFIER_MAX: usize = 250;
/// Longest `search` accepted by lists.
pub const SEARCH_MAX: usize = 200;

pub fn name(field: &str, raw: &str) -> Result<String, DomainError> {
    bounded(field, raw, NAME_MIN, NAME_MAX)
}

pub fn external_id(field: &str, raw: &str) -> Result<String, DomainError> {
    bounded(field, raw, EXTERNAL_ID_MIN, EXTERNAL_ID_MAX)
}

pub fn identifier(field: &str, raw: &str) -> Result<String, DomainError> {
    bounded(field, raw, 1, IDENTIFIER_MAX)
}

/// A nullable field: `None` stays `None`, a value is checked.
pub fn optional(
    errors: &mut Errors,
    raw: Option<String>,
    check: impl FnOnce(&str) -> Result<String, DomainError>,
) -> Option<String> {
    raw.and_then(|v| errors.take(check(&v)))
}

/// A nullable field of a partial update: absent stays absent, `null` clears, a value is
/// checked.
pub fn patch(
    errors: &mut Errors,
    raw: Option<Option<String>>,
    check: impl FnOnce(&str) -> Result<String, DomainError>,
) -> Option<Option<String>> {
    match raw {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) => errors.take(check(&v)).map(Some),
    }
}

/// A list's `search`: trimmed, ignored when blank, at most 200 characters, without
/// control characters (none can be in what is searched, and U+001F joins the searched
/// fields: see the `external_user_search` migration).
pub fn search(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > SEARCH_MAX => Err(DomainError::invalid(
            "search",
            format!("must be at most {SEARCH_MAX} characters"),
        )),
        Some(s) if s.chars().any(char::is_control) => Err(DomainError::invalid(
            "search",
            "must not contain control characters",
        )),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

/// The `ILIKE` pattern for a case-insensitive substring.
pub fn contains_pattern(search: &str) -> String {
    format!("%{}%", roster_core::text::like_escape(search))
}

/// 400 for a partial update that changes nothing.
pub fn empty_update() -> DomainError {
    DomainError::bad_request(
        "empty_update",
        "the request changes nothing: send at least one field",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_count_characters() {
        assert!(name("name", "ab").is_err());
        assert!(name("name", "abc").is_ok());
        assert!(name("name", &"é".repeat(50)).is_ok());
        assert!(name("name", &"é".repeat(51)).is_err());
        assert!(external_id("externalId", "ab").is_err());
        assert!(external_id("externalId", &"x".repeat(250)).is_ok());
        assert!(external_id("externalId", &"x".repeat(251)).is_err());
        assert!(identifier("identifier", "").is_err());
        assert!(identifier("identifier", "a").is_ok());
    }

    #[test]
    fn patches_keep_clear_or_check() {
        let mut errors = Errors::default();
        assert_eq!(patch(&mut errors, None, |v| name("n", v)), None);
        assert_eq!(patch(&mut errors, Some(None), |v| name("n", v)), Some(None));
        assert_eq!(
            patch(&mut errors, Some(Some("abc".into())), |v| name("n", v)),
            Some(Some("abc".into()))
        );
        assert!(errors.finish().is_ok());
        let mut errors = Errors::default();
        assert_eq!(
            patch(&mut errors, Some(Some("a".into())), |v| name("n", v)),
            None
        );
        assert!(errors.finish().is_err());
    }

    #[test]
    fn search_is_trimmed_and_bounded() {
        assert_eq!(search(Some("  ")).ok(), Some(None));
        assert_eq!(search(Some(" ada ")).ok(), Some(Some("ada".into())));
        assert!(search(Some(&"x".repeat(201))).is_err());
        assert!(search(Some("a\u{1f}b")).is_err());
        assert!(search(Some("a\nb")).is_err());
    }
}
