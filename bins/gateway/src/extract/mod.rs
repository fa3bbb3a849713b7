//! Request extractors whose failures are problem+json that name the offending field: the
//! JSON body and query here, ids from the path and the App family's paging beside them.
//! The callers (who is asking, in which role) are in `crate::auth`.

pub mod conditional;
pub mod ids;
pub mod metadata;
pub mod paging;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use roster_core::DomainError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub use conditional::{tagged, Conditional};
pub use ids::IdPath;
pub use metadata::MetadataQuery;
pub use paging::{CursorPaging, OffsetPaging};

/// What an extractor's `from_request` returns: the value, once the request's async work
/// is done.
pub type Extracting<T, E = ApiError> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

/// Lets an extractor that wraps one value stand for it in handlers.
macro_rules! deref_to_inner {
    ($outer:ty => $inner:ty) => {
        impl std::ops::Deref for $outer {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }
    };
}
pub(crate) use deref_to_inner;

/// Implements `FromRequest` for `$outer` as `$inner`'s extraction, then `$then` over it
/// (an extractor that narrows another one).
macro_rules! narrowed_extractor {
    ($outer:ty, $error:ty: $inner:ty => $then:expr) => {
        impl actix_web::FromRequest for $outer {
            type Error = $error;
            type Future = $crate::extract::Extracting<Self, $error>;

            fn from_request(
                req: &actix_web::HttpRequest,
                payload: &mut actix_web::dev::Payload,
            ) -> Self::Future {
                let inner = <$inner>::from_request(req, payload);
                Box::pin(async move { $then(inner.await?) })
            }
        }
    };
}
pub(crate) use narrowed_extractor;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// A JSON body: 415 unless `Content-Type` is JSON, 413 over 1 MiB, 400 naming the field
/// for malformed JSON, wrong types, missing fields, unknown enum values and NUL characters.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Parses JSON in two steps, so that syntax errors (400 `invalid_json`) are told apart
/// from data errors (400 `validation_failed` naming the field: wrong types, missing or
/// unknown fields, unknown enum values).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the request body must be a JSON document",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the request body is not valid JSON: {e}"),
        )
    })?;
    // Every body is an object; serde would take an array for a struct, field by field in
    // order (`[null, null]` set an org choice).
    if !value.is_object() {
        return Err(ApiError(DomainError::invalid(
            "body",
            "must be a JSON object",
        )));
    }
    if let Some(field) = nul_field(&value) {
        return Err(ApiError(DomainError::invalid(field, NUL_MESSAGE)));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        ApiError(DomainError::invalid(field_of(&path, &message), message))
    })
}

/// PostgreSQL stores no NUL character in text (nor in jsonb), so no field accepts one: it
/// is refused at the door, before a handler can send it to a query.
const NUL_MESSAGE: &str = "must not contain control characters";

/// The path (`user_info.email`, `items[2]`) of the first string or key holding a NUL;
/// `body` when the document itself is such a string.
fn nul_field(value: &serde_json::Value) -> Option<String> {
    nul_path(value).map(|path| if path.is_empty() { "body".into() } else { path })
}

/// The same, relative to `value` (empty: `value` itself).
fn nul_path(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item).map(|inner| format!("[{i}]{}", dotted(&inner)))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                return Some(key.replace('\0', "\\u0000"));
            }
            nul_path(item).map(|inner| format!("{key}{}", dotted(&inner)))
        }),
        _ => None,
    }
}

/// How a relative path continues one segment: `.name`, `[3]`, or nothing.
fn dotted(inner: &str) -> String {
    if inner.is_empty() || inner.starts_with('[') {
        inner.to_owned()
    } else {
        format!(".{inner}")
    }
}

/// The field an error is about: its path, or for a missing or unknown field at the top
/// (path `.`), the field the message names.
fn field_of(path: &str, message: &str) -> String {
    let named = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("missing field") || message.starts_with("unknown field"));
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => "body".to_owned(),
        (p, Some(name)) if message.starts_with("missing field") => format!("{p}.{name}"),
        (p, _) => p.to_owned(),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared_too_large = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if declared_too_large {
                return Err(ApiError::payload_too_large());
            }
            if !json {
                return Err(ApiError(DomainError::bad_request(
                    "unsupported_media_type",
                    "the request body must be JSON (Content-Type: application/json)",
                )));
            }
            let bytes = body.await.map_err(|e| body_error(&e))?;
            parse_json(&bytes).map(ApiJson)
        })
    }
}

/// Query parameters: 400 naming the parameter for wrong types, unknown enum values and NUL
/// characters.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

/// Parses a query string, naming the parameter that failed.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    refuse_nul_in_query(query)?;
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        ApiError(DomainError::invalid(field_of(&path, &inner), inner))
    })
}

/// 400 naming the first parameter whose name or value holds a NUL character (see
/// `NUL_MESSAGE`).
pub fn refuse_nul_in_query(query: &str) -> Result<(), ApiError> {
    match form_urlencoded::parse(query.as_bytes())
        .find(|(key, value)| key.contains('\0') || value.contains('\0'))
    {
        Some((key, _)) => Err(ApiError(DomainError::invalid(
            key.replace('\0', "\\u0000"),
            NUL_MESSAGE,
        ))),
        None => Ok(()),
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// Why a body could not be read: past the limit (413), or cut off or malformed (400).
pub fn body_error(e: &actix_web::Error) -> ApiError {
    match e.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::payload_too_large(),
        _ => ApiError::bad_request("invalid_body", "the request body could not be read"),
    }
}

/// The body-size limit for extractors that read raw bytes.
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(MAX_BODY_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_characters_are_found_by_path() {
        assert_eq!(nul_field(&json!("a\u{0}")), Some("body".into()));
        assert_eq!(nul_field(&json!({"name": "ok"})), None);
        assert_eq!(
            nul_field(&json!({"user_info": {"email": "a\u{0}@b.c"}})),
            Some("user_info.email".into())
        );
        assert_eq!(
            nul_field(&json!({"ids": ["a", "b\u{0}"]})),
            Some("ids[1]".into())
        );
        assert_eq!(
            nul_field(&json!([{"body": "x\u{0}"}])),
            Some("[0].body".into())
        );
        assert_eq!(nul_field(&json!({"k\u{0}": 1})), Some("k\\u0000".into()));
    }

    #[test]
    fn nul_characters_in_queries_are_400_naming_the_parameter() {
        #[derive(Debug, serde::Deserialize)]
        struct Q {
            #[allow(dead_code)]
            search: Option<String>,
        }
        let err = parse_query::<Q>("search=a%00b").unwrap_err();
        let problem = err.problem();
        assert_eq!(problem.status, 400);
        assert_eq!(problem.errors[0].field, "search");
        assert!(parse_query::<Q>("search=ab").is_ok());
    }
}
