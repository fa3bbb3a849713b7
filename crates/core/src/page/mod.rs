//! Pagination of the App family: `page`/`page_size` offsets, or keyset cursors with
//! `after`/`first` and `before`/`last` for deep pages.
//!
//! - [`query`]: the parameters, their bounds and rules, checked into a [`Paging`];
//! - [`cursor`]: the opaque position a cursor page starts from;
//! - [`keyset`]: the SQL of a cursor page and of "is anything behind it?";
//! - [`envelope`]: the [`Page`] a list answers with.

pub mod cursor;
pub mod envelope;
pub mod keyset;
pub mod query;

pub use cursor::Cursor;
pub use envelope::Page;
pub use keyset::{Behind, Beyond, Keyset, ListOrder};
pub use query::{
    checked_offset, CursorParams, Direction, NewestFirstCursorParams, OffsetParams, Paging,
    DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE,
};
