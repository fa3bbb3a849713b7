//! Paging of the App family's lists, read from the query beside a list's own filters:
//! `page`/`page_size` for every list (documented by `OffsetParams`), and `after`/`before`
//! with `first`/`last` for those that page by cursor too (`CursorParams`).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use roster_core::page::{CursorParams, OffsetParams, Paging};

use super::parse_query;
use crate::error::ApiError;

/// The page an offset-paged list asks for.
#[derive(Debug)]
pub struct OffsetPaging(pub Paging);

/// The page a list that also pages by cursor asks for.
#[derive(Debug)]
pub struct CursorPaging(pub Paging);

impl FromRequest for OffsetPaging {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let paging = parse_query::<OffsetParams>(req.query_string())
            .and_then(|offset| Ok(Paging::by_offset(&offset)?));
        ready(paging.map(OffsetPaging))
    }
}

impl FromRequest for CursorPaging {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        let paging = parse_query::<OffsetParams>(query).and_then(|offset| {
            let cursor = parse_query::<CursorParams>(query)?;
            Ok(Paging::new(&offset, &cursor)?)
        });
        ready(paging.map(CursorPaging))
    }
}
