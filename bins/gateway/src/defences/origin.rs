//! Where browsers may call from (`ROSTER_TRUSTED_ORIGINS`; default the origin of
//! `ROSTER_PUBLIC_URL`).
//!
//! - **CSRF**: a state-changing request (not GET, HEAD or OPTIONS) that carries the session
//!   cookie must name a trusted origin in `Origin`, else in `Referer`: none (or `null`) is a
//!   403 `missing_or_null_origin`, another origin a 403 `invalid_origin` (better-auth's
//!   `MISSING_OR_NULL_ORIGIN` and `INVALID_ORIGIN` on `/api/auth`). A bearer credential is
//!   not sent by browsers on their own, so such requests need no `Origin`.
//! - **CORS**: on `/api/auth/*` and `/work-apps/slack/*`, a trusted origin gets CORS with
//!   credentials, preflight included; any other origin, and any other path, gets no CORS
//!   header at all.

use std::str::FromStr;

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};
use roster_core::DomainError;

use crate::auth::{bearer, SESSION_COOKIE};
use crate::error::ApiError;

/// The paths that answer other origins (a browser app using the better-auth client, or the
/// Slack linking pages).
const CORS_PREFIXES: [&str; 2] = ["/api/auth/", "/work-apps/slack/"];
/// What a preflight allows, and how long a browser may keep the answer.
const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS: &str = "content-type, authorization, x-org";
const MAX_AGE_SECS: &str = "600";

/// The origins browsers may call from: `scheme://host[:port]`, lower-case, without the
/// scheme's default port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedOrigins(Vec<String>);

impl FromStr for TrustedOrigins {
    type Err = String;

    /// A comma-separated list of origins (a path after one is ignored).
    fn from_str(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| origin_of(s).ok_or_else(|| format!("{s:?} is not an http(s) origin")))
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl TrustedOrigins {
    /// The configured list, else the origin of the public URL.
    pub fn or_public(self, public_url: &str) -> Self {
        match self.0.is_empty() {
            true => Self(origin_of(public_url).into_iter().collect()),
            false => self,
        }
    }

    pub fn contains(&self, origin: &str) -> bool {
        origin_of(origin).is_some_and(|o| self.0.contains(&o))
    }
}

/// The origin of an absolute http(s) URL, normalised; `None` for anything else.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{host}"))
}

/// The origin a request says it comes from: `Origin`, else `Referer`'s.
fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    match value(header::ORIGIN) {
        Some(origin) if !origin.trim().is_empty() => Some(origin.trim().to_owned()),
        _ => value(header::REFERER).and_then(origin_of),
    }
}

fn is_safe(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::OPTIONS].contains(method)
}

fn carries_session_cookie(req: &HttpRequest) -> bool {
    req.cookie(SESSION_COOKIE)
        .is_some_and(|c| !c.value().is_empty())
}

/// CSRF: refuses a state-changing cookie request whose origin is missing or untrusted.
pub fn check(origins: &TrustedOrigins, req: &HttpRequest) -> Result<(), ApiError> {
    if is_safe(req.method()) || bearer(req).is_some() || !carries_session_cookie(req) {
        return Ok(());
    }
    match claimed_origin(req.headers()) {
        Some(origin) if origin == "null" => Err(missing()),
        None => Err(missing()),
        Some(origin) if origins.contains(&origin) => Ok(()),
        Some(_) => Err(ApiError(DomainError::forbidden(
            "invalid_origin",
            "the request's Origin is not a trusted origin (ROSTER_TRUSTED_ORIGINS)",
        ))),
    }
}

fn missing() -> ApiError {
    ApiError(DomainError::forbidden(
        "missing_or_null_origin",
        "a request with the session cookie that changes something must send Origin (or \
         Referer) naming a trusted origin",
    ))
}

/// The trusted origin of a request to a CORS path, if it names one.
fn cors_origin(origins: &TrustedOrigins, req: &HttpRequest) -> Option<HeaderValue> {
    if !CORS_PREFIXES.iter().any(|p| req.path().starts_with(p)) {
        return None;
    }
    let origin = req.headers().get(header::ORIGIN)?;
    origins
        .contains(origin.to_str().ok()?)
        .then(|| origin.clone())
}

/// The answer to a CORS preflight from a trusted origin (else `None`: routing answers).
pub fn preflight(origins: &TrustedOrigins, req: &HttpRequest) -> Option<HttpResponse> {
    if req.method() != Method::OPTIONS
        || !req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return None;
    }
    let origin = cors_origin(origins, req)?;
    let allow_headers = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or(HeaderValue::from_static(ALLOW_HEADERS));
    Some(
        HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECS))
            .insert_header((header::VARY, "Origin"))
            .finish(),
    )
}

/// CORS headers on the answer to a trusted origin's request to a CORS path.
pub fn add_cors(origins: &TrustedOrigins, res: &mut ServiceResponse<BoxBody>) {
    let Some(origin) = cors_origin(origins, res.request()) else {
        return;
    };
    let headers = res.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_compared_exactly() {
        let trusted: TrustedOrigins = "https://App.example.com:443/x, http://localhost:3000"
            .parse()
            .unwrap();
        assert!(trusted.contains("https://app.example.com"));
        assert!(trusted.contains("http://localhost:3000"));
        assert!(!trusted.contains("http://localhost:3001"));
        assert!(!trusted.contains("https://app.example.com.evil.test"));
        assert!(!trusted.contains("null"));
        assert!("ftp://x".parse::<TrustedOrigins>().is_err());
        let default = TrustedOrigins::default().or_public("http://127.0.0.1:8080/roster");
        assert!(default.contains("http://127.0.0.1:8080"));
        assert_eq!(origin_of("http://u@evil.test"), None);
    }
}
