//! Newest-first lists with forward cursors (`first`, `after` -> `next_cursor`), for logs
//! that grow while they are read (audit events, webhook deliveries): a cursor is a
//! position `(time, id)`, so rows written meanwhile land before the first page and never
//! shift the pages after it.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::page::{Cursor, Paging, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::DomainError;

/// The query parameters of a newest-first list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// How many items, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub first: Option<i64>,
    /// Cursor from `next_cursor`: the (older) items after it. Only a cursor this list
    /// returned (else 400).
    #[param(min_length = 1)]
    pub after: Option<String>,
}

impl TryFrom<&FeedParams> for FeedRequest {
    type Error = DomainError;

    fn try_from(p: &FeedParams) -> Result<Self, DomainError> {
        Self::parse(p.first, p.after.as_deref())
    }
}

/// A checked request for one page: `size` rows older than `after` (from the newest when
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRequest {
    pub size: i64,
    pub after: Option<Cursor>,
}

impl FeedRequest {
    /// Checks `first` (1 to 100, default 20) and `after` (a cursor this list returned).
    pub fn parse(first: Option<i64>, after: Option<&str>) -> Result<Self, DomainError> {
        let size = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            Some(_) => {
                return Err(DomainError::invalid(
                    "first",
                    format!("must be between 1 and {MAX_PAGE_SIZE}"),
                ))
            }
        };
        let after = after.map(|c| Cursor::decode("after", c)).transpose()?;
        Ok(Self { size, after })
    }

    /// The keyset paging of this page ([`crate::page::Keyset::page`] reads it, on a
    /// [`ListOrder::NewestFirst`](crate::page::ListOrder) keyset).
    pub fn paging(&self) -> Paging {
        Paging::After {
            cursor: self.after.clone(),
            size: self.size,
        }
    }
}

/// One page of a newest-first list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedPage<T> {
    pub data: Vec<T>,
    pub has_next_page: bool,
    /// Pass as `after` for the next (older) items; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> FeedPage<T> {
    /// The page from the rows fetched for `request` (its size and one more at most,
    /// newest first); `key` gives each row's position.
    pub fn assemble(request: &FeedRequest, mut rows: Vec<T>, key: impl Fn(&T) -> Cursor) -> Self {
        let size = usize::try_from(request.size).unwrap_or(usize::MAX);
        let has_next_page = rows.len() > size;
        rows.truncate(size);
        let next_cursor = if has_next_page {
            rows.last().map(|r| key(r).encode())
        } else {
            None
        };
        Self {
            data: rows,
            has_next_page,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> FeedPage<U> {
        FeedPage {
            data: self.data.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn sizes_are_bounded_and_cursors_checked() {
        assert_eq!(FeedRequest::parse(None, None).unwrap().size, 20);
        assert_eq!(FeedRequest::parse(Some(100), None).unwrap().size, 100);
        for bad in [0, 101, -1] {
            let err = FeedRequest::parse(Some(bad), None).unwrap_err();
            assert!(err.to_string().starts_with("first:"), "{err}");
        }
        let err = FeedRequest::parse(None, Some("%%")).unwrap_err();
        assert!(err.to_string().starts_with("after:"), "{err}");
    }

    #[test]
    fn a_full_fetch_has_a_next_cursor_at_its_last_kept_row() {
        let at = datetime!(2026-02-08 14:12:45.123456 UTC);
        let key = |n: &i64| Cursor {
            created_at: at,
            id: format!("evt_{n:016x}"),
        };
        let request = FeedRequest::parse(Some(2), None).unwrap();
        let page = FeedPage::assemble(&request, vec![3, 2, 1], key);
        assert_eq!(page.data, [3, 2]);
        let next = FeedRequest::parse(Some(2), page.next_cursor.as_deref()).unwrap();
        assert_eq!(next.after, Some(key(&2)));
        let last = FeedPage::assemble(&request, vec![1], key);
        assert!(!last.has_next_page && last.next_cursor.is_none());
    }
}
