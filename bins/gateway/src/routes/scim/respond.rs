//! What every `/scim/v2` answer shares: `application/scim+json`, the SCIM error body
//! (`roster_scim::ScimError`), the `ETag` of a resource, the base URL for
//! `meta.location`, the JSON body (malformed is `invalidSyntax`) and the query.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use roster_core::DomainError;
use roster_scim::list::RawQuery;
use roster_scim::projection::Projection;
use roster_scim::ScimError;
use serde_json::Value as Json;

use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;

pub const SCIM_JSON: &str = "application/scim+json";
/// Where the SCIM server is, and the paths whose errors are SCIM errors.
pub const SCIM_BASE: &str = "/scim/v2";

/// A SCIM error on its way to the client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScimApiError(pub ScimError);

pub type ScimApiResult<T> = Result<T, ScimApiError>;

impl From<ScimError> for ScimApiError {
    fn from(e: ScimError) -> Self {
        Self(e)
    }
}

impl From<DomainError> for ScimApiError {
    fn from(e: DomainError) -> Self {
        if let DomainError::Internal(cause) = &e {
            tracing::error!(error = %cause, "internal error");
        }
        Self(e.into())
    }
}

impl From<ApiError> for ScimApiError {
    fn from(e: ApiError) -> Self {
        e.0.into()
    }
}

impl ResponseError for ScimApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if self.0.status == 401 {
            res.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"roster-scim\""),
            ));
        }
        if self.0.status == 503 {
            res.insert_header((
                header::RETRY_AFTER,
                crate::error::RETRY_AFTER_UNAVAILABLE.to_string(),
            ));
        }
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON)))
            .body(self.0.body().to_string())
    }
}

/// The SCIM error body for an error response that is not one yet (no route, another
/// method, a body too large, …): used by the gateway's `finish` middleware.
pub fn error_body(status: StatusCode, detail: &str) -> Vec<u8> {
    ScimError::new(status.as_u16(), None, detail)
        .body()
        .to_string()
        .into_bytes()
}

/// `status` with `body` as `application/scim+json`, and the resource's `ETag` when it
/// has a `meta.version`.
pub fn answer(status: StatusCode, body: &Json) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON)));
    if let Some(v) = body.pointer("/meta/version").and_then(Json::as_str) {
        if let Ok(v) = HeaderValue::from_str(v) {
            res.insert_header((header::ETAG, v));
        }
    }
    if status == StatusCode::CREATED {
        if let Some(l) = body.pointer("/meta/location").and_then(Json::as_str) {
            if let Ok(l) = HeaderValue::from_str(l) {
                res.insert_header((header::LOCATION, l));
            }
        }
    }
    res.body(body.to_string())
}

/// 200 with a list as `application/scim+json` (a list has no `ETag`).
pub fn listed(body: &impl serde::Serialize) -> HttpResponse {
    match serde_json::to_vec(body) {
        Ok(bytes) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON)))
            .body(bytes),
        Err(e) => ScimApiError::from(DomainError::internal_msg(e.to_string())).error_response(),
    }
}

/// The base URL of the SCIM server as the client reached it.
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{SCIM_BASE}", info.scheme(), info.host())
}

/// The JSON body: malformed (or empty, or not UTF-8) is `invalidSyntax`.
pub fn body(bytes: &[u8]) -> Result<Json, ScimError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ScimError::new(
            413,
            None,
            "the request body is larger than 1 MiB",
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}")))
}

/// The `If-Match` header, if sent.
pub fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The query parameters of a SCIM request (names as RFC 7644 spells them; any case).
#[derive(Debug, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn of(req: &HttpRequest) -> Self {
        Self(
            form_urlencoded::parse(req.query_string().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn raw(&self) -> RawQuery<'_> {
        RawQuery {
            filter: self.get("filter"),
            start_index: self.get("startIndex"),
            count: self.get("count"),
            attributes: self.get("attributes"),
            excluded_attributes: self.get("excludedAttributes"),
        }
    }

    pub fn projection(&self, core: &str) -> Result<Projection, ScimError> {
        Projection::parse(self.get("attributes"), self.get("excludedAttributes"), core)
    }
}
