//! Pagination of the App family: `page`/`page_size` offsets, or keyset cursors with
//! `after`/`first` and `before`/`last` for deep pages.

use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::DomainError;

pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 100;

/// The query parameters of a paginated App-family list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (offset paging).
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
    /// Cursor: items after this one (from `next_cursor`).
    pub after: Option<String>,
    /// Cursor: items before this one (from `previous_cursor`).
    pub before: Option<String>,
    /// With `after` (or alone): how many items, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub first: Option<i64>,
    /// With `before` (or alone, for the end of the list): how many items, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub last: Option<i64>,
}

/// A position in a list ordered by `(created_at, id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: OffsetDateTime,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let micros = self.created_at.unix_timestamp_nanos() / 1_000;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{micros}.{}", self.id))
    }

    pub fn decode(field: &str, raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::invalid(field, "is not a cursor returned by this list");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (micros, id) = text.split_once('.').ok_or_else(invalid)?;
        let micros: i128 = micros.parse().map_err(|_| invalid())?;
        let created_at =
            OffsetDateTime::from_unix_timestamp_nanos(micros * 1_000).map_err(|_| invalid())?;
        if id.is_empty() || id.len() > 64 {
            return Err(invalid());
        }
        Ok(Self {
            created_at,
            id: id.to_owned(),
        })
    }
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
    pub fn size(&self) -> i64 {
        match self {
            Self::Offset { size, .. } | Self::After { size, .. } | Self::Before { size, .. } => {
                *size
            }
        }
    }
}

fn check_size(field: &str, value: Option<i64>) -> Result<i64, DomainError> {
    match value {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(_) => Err(DomainError::invalid(
            field,
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
    }
}

impl TryFrom<&PageParams> for Paging {
    type Error = DomainError;

    fn try_from(p: &PageParams) -> Result<Self, DomainError> {
        let cursor_mode =
            p.after.is_some() || p.before.is_some() || p.first.is_some() || p.last.is_some();
        if cursor_mode && (p.page.is_some() || p.page_size.is_some()) {
            return Err(DomainError::bad_request(
                "mixed_paging",
                "use either page/page_size or after/before with first/last, not both",
            ));
        }
        if !cursor_mode {
            let page = match p.page {
                None => 1,
                Some(n) if n >= 1 => n,
                Some(_) => return Err(DomainError::invalid("page", "must be 1 or more")),
            };
            let size = check_size("page_size", p.page_size)?;
            if page.checked_mul(size).is_none() {
                return Err(DomainError::invalid("page", "is too large"));
            }
            return Ok(Self::Offset { page, size });
        }
        let backwards = p.before.is_some() || p.last.is_some();
        let forwards = p.after.is_some() || p.first.is_some();
        if backwards && forwards {
            return Err(DomainError::bad_request(
                "mixed_paging",
                "use after/first to go forwards or before/last to go backwards, not both",
            ));
        }
        if forwards {
            let cursor = p
                .after
                .as_deref()
                .map(|c| Cursor::decode("after", c))
                .transpose()?;
            Ok(Self::After {
                cursor,
                size: check_size("first", p.first)?,
            })
        } else {
            let cursor = p
                .before
                .as_deref()
                .map(|c| Cursor::decode("before", c))
                .transpose()?;
            Ok(Self::Before {
                cursor,
                size: check_size("last", p.last)?,
            })
        }
    }
}

/// The App family's list envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: i64,
    /// Pass as `after` for the next items; null on the last page.
    pub next_cursor: Option<String>,
    /// Pass as `before` for the previous items; null on the first page.
    pub previous_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds the envelope from the rows fetched for `paging`: the query asked for one row
    /// more than the page size or more (to learn whether there is more in that direction;
    /// only the page's rows are kept), and for
    /// `Before` returned rows in reverse order. `key` gives each row's cursor.
    pub fn assemble(
        paging: &Paging,
        mut rows: Vec<T>,
        total_count: i64,
        rows_exist_behind: bool,
        key: impl Fn(&T) -> Cursor,
    ) -> Self {
        let size = usize::try_from(paging.size()).unwrap_or(usize::MAX);
        let more_ahead = rows.len() > size;
        rows.truncate(size);
        let (has_next_page, has_previous_page) = match paging {
            Paging::Offset { page, .. } => (more_ahead, *page > 1),
            Paging::After { .. } => (more_ahead, rows_exist_behind),
            Paging::Before { .. } => {
                rows.reverse();
                (rows_exist_behind, more_ahead)
            }
        };
        let next_cursor = if has_next_page {
            rows.last().map(|r| key(r).encode())
        } else {
            None
        };
        let previous_cursor = if has_previous_page {
            rows.first().map(|r| key(r).encode())
        } else {
            None
        };
        Self {
            data: rows,
            has_next_page,
            has_previous_page,
            total_count,
            next_cursor,
            previous_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            data: self.data.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
            next_cursor: self.next_cursor,
            previous_cursor: self.previous_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn params(q: &str) -> PageParams {
        serde_urlencoded_like(q)
    }

    // A tiny parser so the test does not need serde_urlencoded.
    fn serde_urlencoded_like(q: &str) -> PageParams {
        let mut p = PageParams::default();
        for pair in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let n = || v.parse::<i64>().ok();
            match k {
                "page" => p.page = n(),
                "page_size" => p.page_size = n(),
                "first" => p.first = n(),
                "last" => p.last = n(),
                "after" => p.after = Some(v.to_owned()),
                "before" => p.before = Some(v.to_owned()),
                _ => {}
            }
        }
        p
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            Paging::try_from(&params("")).ok(),
            Some(Paging::Offset { page: 1, size: 20 })
        );
        assert!(Paging::try_from(&params("page=0")).is_err());
        assert!(Paging::try_from(&params("page_size=0")).is_err());
        assert!(Paging::try_from(&params("page_size=101")).is_err());
        assert!(Paging::try_from(&params("page_size=100")).is_ok());
        assert!(Paging::try_from(&params("page=2&first=3")).is_err());
        assert!(Paging::try_from(&params("first=3&last=3")).is_err());
        assert!(Paging::try_from(&params("after=%%%")).is_err());
        assert_eq!(
            Paging::try_from(&params("last=5")).ok(),
            Some(Paging::Before {
                cursor: None,
                size: 5
            })
        );
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            created_at: datetime!(2026-02-08 14:12:45.123456 UTC),
            id: "user_4b7c2a1d9e5f3c8b".into(),
        };
        assert_eq!(Cursor::decode("after", &c.encode()).ok(), Some(c));
        assert!(Cursor::decode("after", "bm9wZQ").is_err());
    }
}
