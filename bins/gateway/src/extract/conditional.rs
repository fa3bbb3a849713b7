//! Conditional requests (RFC 9110 §13) on the JSON APIs' single resources: the `ETag` of
//! an answer, `If-None-Match` on a read (304) and `If-Match` on a write (412 when stale).
//! The tags and their comparison are `roster_core::etag`'s; a write's `If-Match` becomes a
//! [`Precondition`] that the domain function checks on the locked row. A route serving
//! these is marked `.conditional()` in its family's `register`, which documents them
//! ([`document`]).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderName};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use roster_core::etag::{self, Precondition, Versioned};
use serde::Serialize;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder, Type};

/// The request's conditions: `If-Match` for a write, `If-None-Match` for a read. Never
/// fails: a malformed value matches nothing (a write gets its 412).
#[derive(Debug, Default)]
pub struct Conditional {
    /// `If-Match`, for the domain function.
    pub pre: Precondition,
    if_none_match: Option<String>,
}

/// Every line of a header, joined as one list (`a, b`), if it was sent.
fn header_list(req: &HttpRequest, name: HeaderName) -> Option<String> {
    let values: Vec<String> = req
        .headers()
        .get_all(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

impl FromRequest for Conditional {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self {
            pre: Precondition::if_match(header_list(req, header::IF_MATCH).as_deref()),
            if_none_match: header_list(req, header::IF_NONE_MATCH),
        }))
    }
}

impl Conditional {
    /// The answer to a read of `resource`: 304 with its `ETag` and no body when
    /// `If-None-Match` names the tag, otherwise 200 with both.
    pub fn read<T: Serialize + Versioned>(&self, resource: &T) -> HttpResponse {
        let tag = resource.etag();
        match &self.if_none_match {
            Some(header) if etag::if_none_match(header, &tag) => HttpResponse::NotModified()
                .insert_header((header::ETAG, tag))
                .finish(),
            _ => HttpResponse::Ok()
                .insert_header((header::ETAG, tag))
                .json(resource),
        }
    }
}

/// 200 with `resource` and its new `ETag`: the answer to a write.
pub fn tagged<T: Serialize + Versioned>(resource: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, resource.etag()))
        .json(resource)
}

/// What a conditional operation's entry says: the header it reads, the `ETag` of its 200,
/// and its 304 (reads) or 412 (writes).
pub fn document(operation: &mut Operation, method: &HttpMethod) {
    let read = matches!(method, HttpMethod::Get);
    let (name, description) = match read {
        true => (
            "If-None-Match",
            "An ETag of the resource (or `*`): when it is current, the answer is a 304 with no body",
        ),
        false => (
            "If-Match",
            "The resource's ETag from a read (or `*`): when it is not current, nothing is \
             changed and the answer is a 412 `precondition_failed`. Without it the last write wins",
        ),
    };
    let parameter = ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .description(Some(description))
        .required(Required::False)
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(parameter);
    let responses = &mut operation.responses.responses;
    if let Some(RefOr::T(ok)) = responses.get_mut("200") {
        ok.headers.insert("ETag".to_owned(), etag_header());
    }
    if read {
        let not_modified = ResponseBuilder::new()
            .description("Not modified: If-None-Match names the current ETag")
            .header("ETag", etag_header())
            .build();
        responses.insert("304".to_owned(), RefOr::T(not_modified));
    } else {
        let stale: RefOr<Response> = RefOr::Ref(Ref::new("#/components/responses/Problem412"));
        responses.insert("412".to_owned(), stale);
    }
}

fn etag_header() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(
            "The resource's current version, a strong tag (`\"<microseconds>\"`)",
        ))
        .build()
}
