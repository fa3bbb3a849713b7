//! Partial updates (`PUT`/`PATCH` bodies): a nullable field is absent (left as is),
//! `null` (cleared) or a value, as `Option<Option<T>>`: `None`, `Some(None)`, `Some(Some(v))`.

use serde::{Deserialize, Deserializer};

use crate::error::FieldErrors;
use crate::DomainError;

/// For `Option<Option<T>>` fields with
/// `#[serde(default, deserialize_with = "roster_core::patch::nullable")]`: absent is
/// `None` (by `default`), `null` is `Some(None)`, a value `Some(Some(v))`.
pub fn nullable<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// For `Option<T>` fields that may be left out but never cleared, with
/// `#[serde(default, deserialize_with = "roster_core::patch::present")]`: absent is `None`
/// (by `default`), a value `Some(v)`, and `null` a type error (the document does not
/// allow it, so neither does the server).
pub fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(d).map(Some)
}

/// A nullable field, parsed: absent stays absent; otherwise `parse` reads the value
/// (`None` for `null`) into the new one, noting its errors in `errors`.
pub fn parse<T, U>(
    errors: &mut FieldErrors,
    raw: Option<Option<T>>,
    parse: impl FnOnce(Option<T>) -> Result<Option<U>, DomainError>,
) -> Option<Option<U>> {
    errors.take(parse(raw?))
}

/// A nullable field whose `null` clears and whose value must pass `check`.
pub fn check<T, U>(
    errors: &mut FieldErrors,
    raw: Option<Option<T>>,
    check: impl FnOnce(T) -> Result<U, DomainError>,
) -> Option<Option<U>> {
    parse(errors, raw, |value| value.map(check).transpose())
}

/// 400 `empty_update`: the partial update changes nothing.
pub fn empty_update() -> DomainError {
    DomainError::bad_request(
        "empty_update",
        "the request changes nothing: send at least one field",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::nullable")]
        name: Option<Option<String>>,
    }

    fn name(json: &str) -> Option<Option<String>> {
        serde_json::from_str::<Body>(json).unwrap().name
    }

    const NAME: Text = Text::new(3, 5);

    #[derive(serde::Deserialize)]
    struct Flag {
        #[serde(default, deserialize_with = "super::present")]
        on: Option<bool>,
    }

    #[test]
    fn a_field_that_cannot_be_cleared_is_absent_or_a_value_never_null() {
        let on = |json: &str| serde_json::from_str::<Flag>(json).map(|f| f.on);
        assert_eq!(on("{}").unwrap(), None);
        assert_eq!(on(r#"{"on": true}"#).unwrap(), Some(true));
        assert!(on(r#"{"on": null}"#).is_err());
        assert!(on(r#"{"on": "true"}"#).is_err());
    }

    #[test]
    fn absent_null_and_value_are_told_apart() {
        assert_eq!(name("{}"), None);
        assert_eq!(name(r#"{"name": null}"#), Some(None));
        assert_eq!(name(r#"{"name": "abc"}"#), Some(Some("abc".into())));
    }

    #[test]
    fn checked_fields_keep_clear_or_check() {
        let mut errors = FieldErrors::default();
        let check = |raw: Option<Option<String>>| {
            super::check(&mut FieldErrors::default(), raw, |v| NAME.parse("n", &v))
        };
        assert_eq!(check(None), None);
        assert_eq!(check(Some(None)), Some(None));
        assert_eq!(check(Some(Some(" abc ".into()))), Some(Some("abc".into())));
        assert_eq!(
            super::check(&mut errors, Some(Some("ab".to_owned())), |v| NAME
                .parse("n", &v)),
            None
        );
        assert_eq!(
            errors.finish().unwrap_err().to_string(),
            "n: must be 3 to 5 characters long"
        );
    }

    #[test]
    fn parsed_fields_may_clear_on_a_value() {
        let mut errors = FieldErrors::default();
        let blank_clears = |v: Option<String>| NAME.parse_opt("n", v.as_deref());
        assert_eq!(parse(&mut errors, None, blank_clears), None);
        assert_eq!(parse(&mut errors, Some(None), blank_clears), Some(None));
        assert_eq!(
            parse(&mut errors, Some(Some("  ".into())), blank_clears),
            Some(None)
        );
        assert!(errors.finish().is_ok());
    }

    #[test]
    fn empty_updates_are_a_400_with_their_code() {
        let err = empty_update();
        assert!(matches!(
            &err,
            DomainError::BadRequest { code, errors, .. } if code == "empty_update" && errors.is_empty()
        ));
        assert_eq!(
            err.to_string(),
            "the request changes nothing: send at least one field"
        );
    }
}
