//! The `search` of every list: one rule, checked by the domain and stated in the schema.

use std::ops::Deref;

use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::schema::StringSchema;
use crate::text::{at_most, like_escape, Controls};
use crate::DomainError;

/// A list's search term: trimmed, at most 200 characters, without any control character
/// (none can be in what is searched, and U+001F joins the searched fields). A query
/// parameter documents it with `#[param(value_type = Option<SearchTerm>, inline)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm(String);

impl SearchTerm {
    pub const MAX_CHARS: usize = 200;
    const CONTROLS: Controls = Controls::All;
    const FIELD: &'static str = "search";

    /// The term of a `search` parameter; absent or blank, none.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, DomainError> {
        let Some(term) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        at_most(Self::FIELD, term, Self::MAX_CHARS)?;
        if term.chars().any(|c| Self::CONTROLS.refuses(c)) {
            return Err(DomainError::invalid(
                Self::FIELD,
                "must not contain control characters",
            ));
        }
        Ok(Some(Self(term.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `ILIKE` pattern of text that holds the term.
    pub fn contains_pattern(&self) -> String {
        format!("%{}%", like_escape(&self.0))
    }
}

impl Deref for SearchTerm {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialSchema for SearchTerm {
    fn schema() -> RefOr<Schema> {
        StringSchema::new(0, Self::MAX_CHARS)
            .pattern(Self::CONTROLS.pattern())
            .into()
    }
}

impl ToSchema for SearchTerm {}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(raw: &str) -> Result<Option<String>, String> {
        SearchTerm::parse(Some(raw))
            .map(|t| t.map(|t| t.as_str().to_owned()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn terms_are_trimmed_and_blank_is_none() {
        assert_eq!(SearchTerm::parse(None).ok(), Some(None));
        assert_eq!(term("  "), Ok(None));
        assert_eq!(term(" ada "), Ok(Some("ada".into())));
        assert_eq!(term(&"é".repeat(200)), Ok(Some("é".repeat(200))));
    }

    #[test]
    fn terms_are_bounded_and_free_of_every_control_character() {
        assert_eq!(
            term(&"x".repeat(201)),
            Err("search: must be at most 200 characters".into())
        );
        for bad in ["a\u{1f}b", "a\nb", "a\tb", "a\u{85}b"] {
            assert_eq!(
                term(bad),
                Err("search: must not contain control characters".into()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn terms_are_found_anywhere_as_written() {
        let term = SearchTerm::parse(Some(" 50%_off ")).unwrap().unwrap();
        assert_eq!(term.contains_pattern(), "%50\\%\\_off%");
    }

    #[test]
    fn the_schema_states_the_rule() {
        let schema = serde_json::to_value(SearchTerm::schema()).unwrap();
        assert_eq!(schema["maxLength"], 200);
        assert!(schema["minLength"].is_null());
        assert_eq!(schema["pattern"], Controls::All.pattern().as_str());
    }
}
