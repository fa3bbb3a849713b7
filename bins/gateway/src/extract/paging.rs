//! Paging of the App family's lists, read beside a list's own filters: `page`/`page_size`
//! for every list, and `after`/`before` with `first`/`last` for those that page by cursor.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use roster_core::page::{PageParams, Paging};
use serde::Deserialize;
use utoipa::IntoParams;

use super::parse_query;
use crate::error::ApiError;

/// `page`/`page_size` of a list that pages by offset only.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffsetPageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

/// Paging of a list that also pages by cursor.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorPageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
    /// Cursor from `next_cursor`: the items after it.
    pub after: Option<String>,
    /// Cursor from `previous_cursor`: the items before it.
    pub before: Option<String>,
    /// With `after`: how many items, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub first: Option<i64>,
    /// With `before`: how many items, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub last: Option<i64>,
}

/// The page an offset-paged list asks for (documented by [`OffsetPageQuery`]).
#[derive(Debug)]
pub struct OffsetPaging(pub Paging);

/// The page a cursor-paged list asks for (documented by [`CursorPageQuery`]).
#[derive(Debug)]
pub struct CursorPaging(pub Paging);

fn paging(params: &PageParams) -> Result<Paging, ApiError> {
    Ok(Paging::try_from(params)?)
}

impl FromRequest for OffsetPaging {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            parse_query::<OffsetPageQuery>(req.query_string()).and_then(|q| {
                paging(&PageParams {
                    page: q.page,
                    page_size: q.page_size,
                    ..PageParams::default()
                })
                .map(OffsetPaging)
            }),
        )
    }
}

impl FromRequest for CursorPaging {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            parse_query::<CursorPageQuery>(req.query_string()).and_then(|q| {
                paging(&PageParams {
                    page: q.page,
                    page_size: q.page_size,
                    after: q.after,
                    before: q.before,
                    first: q.first,
                    last: q.last,
                })
                .map(CursorPaging)
            }),
        )
    }
}
