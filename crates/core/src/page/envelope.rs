//! The App family's list envelope: a page of items, its neighbours' cursors and the total.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Cursor, Paging};

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
    /// Builds the envelope from the rows fetched for `paging`: the query asked for
    /// [`Paging::fetch`] rows or more (the one past the page tells whether more follow;
    /// only the page's rows are kept), and for `Before` returned them in reverse order.
    /// `rows_exist_behind` is whether any row lies behind the cursor (see
    /// [`Keyset::behind`](super::Keyset::behind)); `key` gives each row's cursor.
    pub fn assemble(
        paging: &Paging,
        rows: Vec<T>,
        total_count: i64,
        rows_exist_behind: bool,
        key: impl Fn(&T) -> Cursor,
    ) -> Self {
        let mut page = Self::without_cursors(paging, rows, total_count, rows_exist_behind);
        if page.has_next_page {
            page.next_cursor = page.data.last().map(|r| key(r).encode());
        }
        if page.has_previous_page {
            page.previous_cursor = page.data.first().map(|r| key(r).encode());
        }
        page
    }

    /// The envelope of a list that does not give cursors, from an offset page's rows
    /// fetched as for [`assemble`](Self::assemble).
    pub fn of_offset(paging: &Paging, rows: Vec<T>, total_count: i64) -> Self {
        Self::without_cursors(paging, rows, total_count, false)
    }

    fn without_cursors(
        paging: &Paging,
        mut rows: Vec<T>,
        total_count: i64,
        rows_exist_behind: bool,
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
        Self {
            data: rows,
            has_next_page,
            has_previous_page,
            total_count,
            next_cursor: None,
            previous_cursor: None,
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
    use time::macros::datetime;

    use super::*;

    fn key(n: &i64) -> Cursor {
        Cursor::of(datetime!(2026-01-01 0:00 UTC), n)
    }

    #[test]
    fn a_page_keeps_its_rows_and_points_at_its_neighbours() {
        let after = Paging::After {
            cursor: None,
            size: 2,
        };
        let page = Page::assemble(&after, vec![1, 2, 3], 9, true, key);
        assert_eq!(page.data, vec![1, 2]);
        assert!(page.has_next_page && page.has_previous_page);
        assert_eq!(page.next_cursor, Some(key(&2).encode()));
        assert_eq!(page.previous_cursor, Some(key(&1).encode()));

        let before = Paging::Before {
            cursor: None,
            size: 2,
        };
        let page = Page::assemble(&before, vec![9, 8], 9, false, key);
        assert_eq!(page.data, vec![8, 9], "read backwards, shown in order");
        assert!(!page.has_next_page && !page.has_previous_page);
        assert_eq!((page.next_cursor, page.previous_cursor), (None, None));
    }

    #[test]
    fn offset_pages_know_their_neighbours_by_number() {
        let third = Paging::Offset { page: 3, size: 2 };
        let page = Page::assemble(&third, vec![5, 6], 6, true, key);
        assert!(!page.has_next_page && page.has_previous_page);
        assert_eq!(page.previous_cursor, Some(key(&5).encode()));
        let page = Page::of_offset(&third, vec![5, 6, 7], 7);
        assert_eq!(page.data, vec![5, 6]);
        assert!(page.has_next_page && page.has_previous_page);
        assert_eq!((page.next_cursor, page.previous_cursor), (None, None));
    }
}
