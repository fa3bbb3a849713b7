//! `ApiError`: every failure leaves the gateway as RFC 9457 problem+json.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use roster_core::{DomainError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";
/// The code of a 422 for an `Idempotency-Key` reused with another request.
const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
/// Seconds a client should wait before retrying while the database is unreachable.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 2;

/// The error body of every family (RFC 9457). `error` repeats `detail` for clients that
/// read `error`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Conflict", "status": 409, "code": "email_taken",
    "detail": "a user with this email already exists in this org",
    "error": "a user with this email already exists in this org",
    "errors": [{"field": "user_info.email", "message": "already taken"}],
    "request_id": "5f0c8a6e-2f5b-4bb0-9a8e-0d6c1f2e3a4b"}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// better-auth's message for `code`, on `/api/auth` only (`routes::auth::wire`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: impl Into<String>, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            type_: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            code: code.into(),
            error: detail.clone(),
            detail,
            errors: Vec::new(),
            request_id: None,
            message: None,
        }
    }

    /// The problem for a bare status (unknown route, wrong method, an actix error).
    pub fn for_status(status: StatusCode, detail: Option<String>) -> Self {
        let (code, default) = match status.as_u16() {
            400 => ("bad_request", "the request is malformed"),
            401 => ("unauthorized", "authentication is required"),
            403 => ("forbidden", "not allowed"),
            404 => ("not_found", "no such resource"),
            405 => (
                "method_not_allowed",
                "this method is not allowed on this resource",
            ),
            408 => ("request_timeout", "the request took too long to arrive"),
            413 => ("payload_too_large", "the request body is larger than 1 MiB"),
            415 => (
                "unsupported_media_type",
                "the request body must be application/json",
            ),
            429 => ("too_many_requests", "too many requests; retry later"),
            503 => ("unavailable", "the service is unavailable; retry shortly"),
            s if s >= 500 => ("internal", "internal error"),
            _ => ("error", "the request failed"),
        };
        let detail = match detail {
            Some(d) if status.is_client_error() && !d.is_empty() => d,
            _ => default.to_owned(),
        };
        Self::new(status, code, detail)
    }
}

/// A domain error (or an HTTP-level one) on its way to the client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ApiError(#[from] pub DomainError);

impl ApiError {
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        match &self.0 {
            DomainError::BadRequest {
                code,
                detail,
                errors,
            }
            | DomainError::Conflict {
                code,
                detail,
                errors,
            } => {
                let mut p = Problem::new(status, code.as_ref(), detail.clone());
                p.errors = errors.clone();
                p
            }
            DomainError::Forbidden { code, detail } | DomainError::NotFound { code, detail } => {
                Problem::new(status, code.as_ref(), detail.clone())
            }
            DomainError::Unauthorized { code, detail } => {
                Problem::new(status, code.as_ref(), detail.clone())
            }
            DomainError::TooManyRequests { detail, .. } => {
                Problem::new(status, "too_many_requests", detail.clone())
            }
            DomainError::Unavailable { code, detail } => {
                Problem::new(status, code.as_ref(), detail.clone())
            }
            DomainError::PreconditionFailed { detail } => {
                Problem::new(status, "precondition_failed", detail.clone())
            }
            DomainError::Internal(_) => Problem::for_status(status, None),
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self(DomainError::bad_request(code, detail))
    }

    pub fn not_found(what: &str) -> Self {
        Self(DomainError::not_found(what))
    }

    /// An `Idempotency-Key` sent again with another request: a 422, an HTTP matter too.
    pub fn idempotency_key_reused() -> Self {
        Self(DomainError::bad_request(
            IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used for another request (another method, path or \
             body): send a new key for a new request",
        ))
    }

    /// 413 and 415 are HTTP matters, not domain ones: they carry their own status.
    pub fn payload_too_large() -> Self {
        Self(DomainError::bad_request(
            "payload_too_large",
            "the request body is larger than 1 MiB",
        ))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            DomainError::BadRequest { code, .. } if code == "payload_too_large" => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            DomainError::BadRequest { code, .. } if code == "unsupported_media_type" => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            DomainError::BadRequest { code, .. } if code == IDEMPOTENCY_KEY_REUSED => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            DomainError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            DomainError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            DomainError::Forbidden { .. } => StatusCode::FORBIDDEN,
            DomainError::NotFound { .. } => StatusCode::NOT_FOUND,
            DomainError::Conflict { .. } => StatusCode::CONFLICT,
            DomainError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            DomainError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            DomainError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let DomainError::Internal(cause) = &self.0 {
            tracing::error!(error = %cause, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match &self.0 {
            DomainError::Unauthorized { .. } => {
                res.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"roster\""),
                ));
            }
            DomainError::Unavailable { .. } => {
                res.insert_header((header::RETRY_AFTER, RETRY_AFTER_UNAVAILABLE.to_string()));
            }
            DomainError::TooManyRequests {
                retry_after_secs,
                limit,
                ..
            } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
                res.insert_header(("ratelimit-limit", limit.to_string()));
                res.insert_header(("ratelimit-remaining", "0"));
                res.insert_header(("ratelimit-reset", retry_after_secs.to_string()));
            }
            _ => {}
        }
        res.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
