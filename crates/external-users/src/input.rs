//! The rules of the text fields this family shares, and their schemas.

pub use roster_core::error::FieldErrors as Errors;
use roster_core::schema::StringSchema;
use roster_core::text::{at_most, Text};
use roster_core::DomainError;

/// Names of external users, channels, tiers and groups.
pub const NAME: Text = Text::new(3, 50);
/// External references.
pub const EXTERNAL_ID: Text = Text::new(3, 250);
/// Identifiers (usernames, emails, phone numbers).
pub const IDENTIFIER: Text = Text::new(1, 250);

pub(crate) fn name() -> StringSchema {
    NAME.schema()
}

/// A name, its bounds in its description.
pub(crate) fn described_name(what: Option<&str>) -> StringSchema {
    let description = match what {
        Some(what) => format!("{what}, {NAME}."),
        None => format!("{NAME}."),
    };
    NAME.schema().description(description)
}

pub(crate) fn nullable_external_id() -> StringSchema {
    EXTERNAL_ID.schema().nullable()
}

pub(crate) fn nullable_identifier() -> StringSchema {
    IDENTIFIER.schema().nullable()
}

pub(crate) fn nullable_name() -> StringSchema {
    NAME.schema().nullable()
}

/// A nullable field: `None` stays `None`, a value is checked.
pub fn optional(
    errors: &mut Errors,
    raw: Option<String>,
    check: impl FnOnce(&str) -> Result<String, DomainError>,
) -> Option<String> {
    raw.and_then(|v| errors.take(check(&v)))
}

/// An exact external reference to filter by, as given (an over-long one is a 400).
pub fn external_id_filter(raw: Option<String>) -> Result<Option<String>, DomainError> {
    if let Some(external_id) = &raw {
        at_most("externalId", external_id, EXTERNAL_ID.max())?;
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_count_characters() {
        assert!(NAME.parse("name", "ab").is_err());
        assert!(NAME.parse("name", "abc").is_ok());
        assert!(NAME.parse("name", &"é".repeat(50)).is_ok());
        assert!(NAME.parse("name", &"é".repeat(51)).is_err());
        assert!(EXTERNAL_ID.parse("externalId", "ab").is_err());
        assert!(EXTERNAL_ID.parse("externalId", &"x".repeat(250)).is_ok());
        assert!(EXTERNAL_ID.parse("externalId", &"x".repeat(251)).is_err());
        assert!(IDENTIFIER.parse("identifier", "").is_err());
        assert!(IDENTIFIER.parse("identifier", "a").is_ok());
    }

    #[test]
    fn external_id_filters_are_bounded_but_kept_as_given() {
        assert_eq!(external_id_filter(None).ok(), Some(None));
        assert_eq!(
            external_id_filter(Some(" x ".into())).ok(),
            Some(Some(" x ".into()))
        );
        let err = external_id_filter(Some("x".repeat(251))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "externalId: must be at most 250 characters"
        );
    }

    #[test]
    fn described_names_state_their_bounds() {
        let schema = |s: StringSchema| {
            serde_json::to_value(utoipa::openapi::RefOr::<utoipa::openapi::Schema>::from(s))
                .unwrap()
        };
        assert_eq!(
            schema(described_name(Some("The tier's name")))["description"],
            "The tier's name, 3 to 50 characters."
        );
        assert_eq!(
            schema(described_name(None))["description"],
            "3 to 50 characters."
        );
    }
}
