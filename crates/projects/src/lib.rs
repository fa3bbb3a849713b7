//! `roster-projects`: projects of an org, their members and pins, and their artifacts.
//!
//! Services are plain async functions over `&mut AsyncPgConnection` that take the
//! caller (`Principal`) and decide visibility and project roles themselves; they return
//! `DomainResult`.

pub mod access;
pub mod artifacts;
pub mod ids;
pub mod members;
pub mod projects;
pub mod requests;
pub mod schema;

pub use access::{ProjectRole, Visibility};
pub use ids::{ArtifactId, ProjectId};

use roster_core::page::{Page, Paging};
use roster_core::DomainError;

/// `(offset, limit)` of an offset page; lists here page with `page`/`page_size` only.
pub(crate) fn offset_of(paging: &Paging) -> Result<(i64, i64), DomainError> {
    match paging {
        Paging::Offset { page, size } => Ok(((page - 1) * size, *size)),
        _ => Err(DomainError::bad_request(
            "cursor_unsupported",
            "this list pages with page/page_size only",
        )),
    }
}

/// The envelope of an offset page from rows fetched with one row more than the page size.
pub(crate) fn offset_page<T>(paging: &Paging, mut rows: Vec<T>, total_count: i64) -> Page<T> {
    let (page, size) = match paging {
        Paging::Offset { page, size } => (*page, *size),
        other => (1, other.size()),
    };
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let has_next_page = rows.len() > size;
    rows.truncate(size);
    Page {
        data: rows,
        has_next_page,
        has_previous_page: page > 1,
        total_count,
        next_cursor: None,
        previous_cursor: None,
    }
}
