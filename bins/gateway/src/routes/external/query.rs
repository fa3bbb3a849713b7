//! Query strings and list responses of the external family. Id filters take one value or
//! many (`channelIds=a&channelIds=b`, also `channelIds[]=a`), which `serde_urlencoded`
//! cannot parse, so the parameters are read by hand; every failure (a NUL character
//! too) is a 400 naming the parameter. Lists answer with the JSON array and the total in `X-Total-Count`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_external_users::paging::{Listed, PageRequest};
use serde::Serialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult};

/// The header that carries a list's total.
pub const TOTAL_COUNT: &str = "X-Total-Count";

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default)]
pub struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    pub fn parse(query: &str) -> Self {
        Self(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every value of `name`, also written `name[]`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter_map(move |(k, v)| {
            let key = k.strip_suffix("[]").unwrap_or(k);
            (key == name).then_some(v.as_str())
        })
    }

    /// A parameter that may be given once.
    pub fn single<'a>(&'a self, name: &'a str) -> ApiResult<Option<&'a str>> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(DomainError::invalid(name, "must be given at most once").into());
        }
        Ok(first)
    }

    /// A whole number given at most once.
    pub fn number(&self, name: &str) -> ApiResult<Option<i64>> {
        self.single(name)?
            .map(|raw| {
                raw.trim()
                    .parse::<i64>()
                    .map_err(|_| ApiError(DomainError::invalid(name, "must be a whole number")))
            })
            .transpose()
    }

    /// `pageNumber` and `pageSize`, checked.
    pub fn page(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::new(
            self.number("pageNumber")?,
            self.number("pageSize")?,
        )?)
    }

    /// An id filter: every value of `name` (none means no filter), each a UUID.
    pub fn ids<T>(&self, name: &str, parse: impl Fn(&str) -> Option<T>) -> ApiResult<Vec<T>> {
        self.all(name)
            .map(|raw| {
                parse(raw.trim())
                    .ok_or_else(|| ApiError(DomainError::invalid(name, "must be a UUID")))
            })
            .collect()
    }

    /// Free text given at most once.
    pub fn text(&self, name: &str) -> ApiResult<Option<String>> {
        Ok(self.single(name)?.map(str::to_owned))
    }
}

/// Paging of a list (`pageNumber`, `pageSize`), read beside its filters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct PageQuery {
    /// The page number (default 1).
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page_number: Option<i64>,
    /// The page size, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

impl FromQueryPairs for PageQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            page_number: q.number("pageNumber")?,
            page_size: q.number("pageSize")?,
        })
    }
}

impl PageQuery {
    pub fn page(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::new(self.page_number, self.page_size)?)
    }
}

/// A list query of the external family, read from [`QueryPairs`].
pub trait FromQueryPairs: Sized {
    fn from_pairs(pairs: &QueryPairs) -> ApiResult<Self>;
}

/// Extracts a [`FromQueryPairs`] query.
#[derive(Debug)]
pub struct ListQuery<T>(pub T);

impl<T: FromQueryPairs> FromRequest for ListQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        ready(
            crate::extract::refuse_nul_in_query(query)
                .and_then(|()| T::from_pairs(&QueryPairs::parse(query)))
                .map(ListQuery),
        )
    }
}

/// 200 with the page's items as the body and the total in `X-Total-Count`.
pub fn listed<T: Serialize>(list: Listed<T>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((TOTAL_COUNT, list.total.to_string()))
        .json(list.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(raw: &str) -> Option<uuid::Uuid> {
        uuid::Uuid::try_parse(raw).ok()
    }

    #[test]
    fn ids_take_one_value_or_many() {
        let a = "0b0f6a8e-4d6c-4f3a-9d7e-2b1c0a9f8e7d";
        let b = "1c1f6a8e-4d6c-4f3a-9d7e-2b1c0a9f8e7d";
        let q = QueryPairs::parse(&format!("channelIds={a}&channelIds%5B%5D={b}&tierIds={a}"));
        assert_eq!(q.ids("channelIds", uuid).unwrap().len(), 2);
        assert_eq!(q.ids("tierIds", uuid).unwrap().len(), 1);
        assert!(q.ids("superIdentityIds", uuid).unwrap().is_empty());
        let bad = QueryPairs::parse("channelIds=nope");
        let err = bad.ids("channelIds", uuid).unwrap_err();
        assert!(err.to_string().contains("channelIds"), "{err}");
    }

    #[test]
    fn numbers_are_whole_and_given_once() {
        let q = QueryPairs::parse("pageNumber=2&pageSize=abc");
        assert_eq!(q.number("pageNumber").unwrap(), Some(2));
        assert!(q.number("pageSize").is_err());
        assert!(QueryPairs::parse("pageNumber=1&pageNumber=2")
            .page()
            .is_err());
        assert_eq!(
            QueryPairs::parse("").page().unwrap(),
            PageRequest {
                number: 1,
                size: 10
            }
        );
    }

    #[test]
    fn the_documented_maximum_page_number_is_the_one_checked() {
        use utoipa::openapi::path::ParameterIn;
        let params = PageQuery::into_params(|| Some(ParameterIn::Query));
        let number = params.iter().find(|p| p.name == "pageNumber").unwrap();
        let json = serde_json::to_value(number.schema.as_ref().unwrap()).unwrap();
        assert_eq!(
            json["maximum"].as_f64(),
            Some(roster_core::page::MAX_PAGE as f64)
        );
    }
}
