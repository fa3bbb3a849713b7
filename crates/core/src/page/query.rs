//! The paging parameters of the App family's lists, and the [`Paging`] they are checked into.
//!
//! Every list takes `page`/`page_size` ([`OffsetParams`]); a list that also takes cursors
//! takes `after`/`first` and `before`/`last` ([`CursorParams`]) beside them. A handler
//! extracts each from the query string, and the list's filters from it too.

use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use super::Cursor;
use crate::DomainError;

/// Items on a page unless asked otherwise.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// Most items on one page.
pub const MAX_PAGE_SIZE: i64 = 100;
/// The highest page number of an offset list (the documents' `maximum`: a unit test holds
/// them to it).
pub const MAX_PAGE: i64 = 1_000_000_000_000_000;

/// `page`/`page_size`: offset paging, which every list takes.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffsetParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

/// `after`/`first` and `before`/`last`: keyset paging, for the lists that take cursors.
/// Neither pair goes with `page`/`page_size`, nor with the other pair: a 400
/// `mixed_paging` (the descriptions say so; a schema of separate parameters cannot).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorParams {
    /// Cursor from `next_cursor`: the items after it. Only a cursor this list returned
    /// (else 400); not with `page`/`page_size` nor `before`/`last` (400 `mixed_paging`).
    #[param(min_length = 1)]
    pub after: Option<String>,
    /// Cursor from `previous_cursor`: the items before it. Only a cursor this list
    /// returned (else 400); not with `page`/`page_size` nor `after`/`first` (400
    /// `mixed_paging`).
    #[param(min_length = 1)]
    pub before: Option<String>,
    /// With `after`: how many items, 1 to 100. Not with `page`/`page_size` nor
    /// `before`/`last` (400 `mixed_paging`).
    #[param(minimum = 1, maximum = 100)]
    pub first: Option<i64>,
    /// With `before`: how many items, 1 to 100. Not with `page`/`page_size` nor
    /// `after`/`first` (400 `mixed_paging`).
    #[param(minimum = 1, maximum = 100)]
    pub last: Option<i64>,
}

/// [`CursorParams`] as a list shown newest first documents them: `after` leads to older
/// items. For the OpenAPI document only; such a list extracts [`CursorParams`].
pub struct NewestFirstCursorParams;

impl IntoParams for NewestFirstCursorParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = CursorParams::into_params(parameter_in);
        for param in &mut params {
            param.description = match param.name.as_str() {
                "after" => Some(
                    "Cursor from `next_cursor`: the (older) items after it. Only a cursor this \
                     list returned (else 400); not with `page`/`page_size` nor `before`/`last` \
                     (400 `mixed_paging`)."
                        .into(),
                ),
                "before" => Some(
                    "Cursor from `previous_cursor`: the (newer) items before it. Only a cursor \
                     this list returned (else 400); not with `page`/`page_size` nor \
                     `after`/`first` (400 `mixed_paging`)."
                        .into(),
                ),
                _ => continue,
            };
        }
        params
    }
}

/// Which way a page reads its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// In the list's order: an offset page, or the items after a cursor.
    Forward,
    /// Against it: the items before a cursor (or the last ones).
    Backward,
}

/// How a list is to be cut, once the parameters are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// `page` >= 1, `size` 1..=100.
    Offset { page: i64, size: i64 },
    /// The `size` items after `cursor` (from the start when `None`).
    After { cursor: Option<Cursor>, size: i64 },
    /// The `size` items before `cursor` (from the end when `None`).
    Before { cursor: Option<Cursor>, size: i64 },
}

impl Paging {
    /// The paging of a list that takes cursors: offsets or cursors, and cursors one way.
    pub fn new(offset: &OffsetParams, cursor: &CursorParams) -> Result<Self, DomainError> {
        let c = cursor;
        let cursor_mode =
            c.after.is_some() || c.before.is_some() || c.first.is_some() || c.last.is_some();
        if !cursor_mode {
            return Self::by_offset(offset);
        }
        if offset.page.is_some() || offset.page_size.is_some() {
            return Err(DomainError::bad_request(
                "mixed_paging",
                "use either page/page_size or after/before with first/last, not both",
            ));
        }
        let backwards = c.before.is_some() || c.last.is_some();
        let forwards = c.after.is_some() || c.first.is_some();
        if backwards && forwards {
            return Err(DomainError::bad_request(
                "mixed_paging",
                "use after/first to go forwards or before/last to go backwards, not both",
            ));
        }
        let decode = |field, raw: &Option<String>| {
            raw.as_deref().map(|r| Cursor::decode(field, r)).transpose()
        };
        if forwards {
            Ok(Self::After {
                cursor: decode("after", &c.after)?,
                size: checked_size("first", c.first, DEFAULT_PAGE_SIZE)?,
            })
        } else {
            Ok(Self::Before {
                cursor: decode("before", &c.before)?,
                size: checked_size("last", c.last, DEFAULT_PAGE_SIZE)?,
            })
        }
    }

    /// The paging of a list that pages by offset only.
    pub fn by_offset(offset: &OffsetParams) -> Result<Self, DomainError> {
        let (page, size) = checked_offset(
            ("page", offset.page),
            ("page_size", offset.page_size),
            DEFAULT_PAGE_SIZE,
        )?;
        Ok(Self::Offset { page, size })
    }

    /// Items on the page.
    pub fn size(&self) -> i64 {
        match self {
            Self::Offset { size, .. } | Self::After { size, .. } | Self::Before { size, .. } => {
                *size
            }
        }
    }

    /// Rows to read: the page and one more, which tells whether more follow.
    pub fn fetch(&self) -> i64 {
        self.size() + 1
    }

    /// Rows to skip: those of the pages before an offset page, none for a cursor page.
    pub fn offset(&self) -> i64 {
        match self {
            Self::Offset { page, size } => (page - 1) * size,
            Self::After { .. } | Self::Before { .. } => 0,
        }
    }

    /// The cursor the page starts from, if it has one.
    pub fn cursor(&self) -> Option<&Cursor> {
        match self {
            Self::After { cursor, .. } | Self::Before { cursor, .. } => cursor.as_ref(),
            Self::Offset { .. } => None,
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Self::Offset { .. } | Self::After { .. } => Direction::Forward,
            Self::Before { .. } => Direction::Backward,
        }
    }

    /// `(offset, size)` for a list that does not take cursors; a cursor is a 400 there.
    pub fn offset_only(&self) -> Result<(i64, i64), DomainError> {
        match self {
            Self::Offset { size, .. } => Ok((self.offset(), *size)),
            Self::After { .. } | Self::Before { .. } => Err(DomainError::bad_request(
                "cursor_unsupported",
                "this list pages with page/page_size only",
            )),
        }
    }
}

/// The bounds of every offset page, whatever its parameters are called: the page number
/// (`page.1`) is 1 to [`MAX_PAGE`] (default 1), the size (`size.1`) 1 to [`MAX_PAGE_SIZE`]
/// (default `default_size`), so that the rows they skip fit an `i64`. Errors name the parameter
/// (`page.0`, `size.0`). Returns `(page, size)`.
pub fn checked_offset(
    page: (&str, Option<i64>),
    size: (&str, Option<i64>),
    default_size: i64,
) -> Result<(i64, i64), DomainError> {
    let number = match page.1 {
        None => 1,
        Some(n) if (1..=MAX_PAGE).contains(&n) => n,
        Some(n) if n >= 1 => {
            return Err(DomainError::invalid(
                page.0,
                format!("must be at most {MAX_PAGE}"),
            ))
        }
        Some(_) => return Err(DomainError::invalid(page.0, "must be 1 or more")),
    };
    let size = checked_size(size.0, size.1, default_size)?;
    Ok((number, size))
}

/// A page size: 1 to [`MAX_PAGE_SIZE`], `default` when not given; else a 400 naming `field`.
fn checked_size(field: &str, value: Option<i64>, default: i64) -> Result<i64, DomainError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(_) => Err(DomainError::invalid(
            field,
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_maximum_page_is_the_one_checked() {
        let params = OffsetParams::into_params(|| Some(ParameterIn::Query));
        let page = params.iter().find(|p| p.name == "page").unwrap();
        let json = serde_json::to_value(page.schema.as_ref().unwrap()).unwrap();
        assert_eq!(json["maximum"].as_f64(), Some(MAX_PAGE as f64));
        assert!(checked_offset(("page", Some(MAX_PAGE)), ("size", Some(1)), 20).is_ok());
        let err = checked_offset(("page", Some(MAX_PAGE + 1)), ("size", Some(1)), 20).unwrap_err();
        assert_eq!(err.to_string(), format!("page: must be at most {MAX_PAGE}"));
    }

    /// The paging of a query string, as a list that takes cursors reads it.
    fn paging(q: &str) -> Result<Paging, DomainError> {
        let (mut offset, mut cursor) = (OffsetParams::default(), CursorParams::default());
        for pair in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let n = v.parse::<i64>().ok();
            match k {
                "page" => offset.page = n,
                "page_size" => offset.page_size = n,
                "first" => cursor.first = n,
                "last" => cursor.last = n,
                "after" => cursor.after = Some(v.to_owned()),
                "before" => cursor.before = Some(v.to_owned()),
                _ => panic!("{k}"),
            }
        }
        Paging::new(&offset, &cursor)
    }

    /// The code of a 400 and the field it names, if any.
    fn refusal(q: &str) -> (String, Option<String>, String) {
        match paging(q) {
            Err(DomainError::BadRequest {
                code,
                detail,
                errors,
            }) => (
                code.into_owned(),
                errors.first().map(|e| e.field.clone()),
                detail,
            ),
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn offsets_by_default_within_their_bounds() {
        assert_eq!(paging("").ok(), Some(Paging::Offset { page: 1, size: 20 }));
        assert_eq!(
            paging("page=3&page_size=100").ok(),
            Some(Paging::Offset { page: 3, size: 100 })
        );
        let invalid = |field: &str, detail: &str| {
            (
                "validation_failed".to_owned(),
                Some(field.to_owned()),
                format!("{field}: {detail}"),
            )
        };
        assert_eq!(refusal("page=0"), invalid("page", "must be 1 or more"));
        for size in ["page_size=0", "page_size=101"] {
            assert_eq!(
                refusal(size),
                invalid("page_size", "must be between 1 and 100")
            );
        }
        assert_eq!(
            refusal(&format!("page={}&page_size=2", i64::MAX / 2 + 1)),
            invalid("page", &format!("must be at most {MAX_PAGE}"))
        );
        assert_eq!(
            refusal("first=0"),
            invalid("first", "must be between 1 and 100")
        );
        assert_eq!(
            refusal("last=101"),
            invalid("last", "must be between 1 and 100")
        );
        assert_eq!(
            refusal("after=%%%").1.as_deref(),
            Some("after"),
            "a malformed cursor names its parameter"
        );
    }

    #[test]
    fn cursors_go_one_way_and_never_with_offsets() {
        assert_eq!(
            paging("last=5").ok(),
            Some(Paging::Before {
                cursor: None,
                size: 5
            })
        );
        assert_eq!(
            paging("first=5")
                .ok()
                .map(|p| (p.direction(), p.fetch(), p.offset())),
            Some((Direction::Forward, 6, 0))
        );
        for mixed in ["page=2&first=3", "page_size=5&after=x", "first=3&last=3"] {
            assert_eq!(refusal(mixed).0, "mixed_paging", "{mixed}");
        }
    }

    #[test]
    fn lists_without_cursors_refuse_them() {
        let offset = Paging::Offset { page: 3, size: 20 };
        assert_eq!(offset.offset_only().ok(), Some((40, 20)));
        let after = Paging::After {
            cursor: None,
            size: 20,
        };
        match after.offset_only() {
            Err(DomainError::BadRequest { code, .. }) => assert_eq!(code, "cursor_unsupported"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_offset_parameters_keep_the_same_bounds_under_their_own_names() {
        let checked = |n, s| checked_offset(("pageNumber", n), ("pageSize", s), 10);
        assert_eq!(checked(None, None).ok(), Some((1, 10)));
        assert_eq!(checked(Some(3), Some(100)).ok(), Some((3, 100)));
        for (n, s, field) in [
            (Some(0), None, "pageNumber"),
            (None, Some(0), "pageSize"),
            (None, Some(101), "pageSize"),
            (Some(i64::MAX), Some(100), "pageNumber"),
        ] {
            match checked(n, s) {
                Err(DomainError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, field),
                other => panic!("{n:?} {s:?}: {other:?}"),
            }
        }
    }
}
