//! The headers every answer carries: no content sniffing, no framing by other sites, HSTS
//! when clients come over HTTPS, and `Cache-Control: no-store` on the answers that carry a
//! secret, decided here for every route at once.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpRequest;

/// The operations whose answers carry a secret (a token, a key, a session, a link or an
/// OAuth flow's nonce), by method and route pattern. The e2e test `security::headers`
/// checks that every operation of the OpenAPI document answering a secret field is here.
pub const SECRET_ANSWERS: &[(&str, &str)] = &[
    ("POST", "/api/auth/sign-up/email"),
    ("POST", "/api/auth/sign-in/email"),
    ("GET", "/api/auth/get-session"),
    ("POST", "/api/v1/app/tokens"),
    ("POST", "/api/v1/app/workspaces/{id}/api-keys"),
    ("POST", "/api/v1/external-users/authenticate"),
    ("POST", "/work-apps/slack/users/connect"),
    // The `link` command answers with a link token.
    ("POST", "/work-apps/slack/commands"),
    ("GET", "/work-apps/slack/install"),
    ("GET", "/work-apps/slack/connect"),
    ("GET", "/work-apps/slack/oauth_redirect"),
    ("GET", "/work-apps/slack/connect/callback"),
];

/// JSON answers load nothing and may be framed by nobody.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// The Swagger UI under `/docs/` runs its own scripts and styles (no inline script) and
/// fetches `/openapi.json` from the same origin.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
/// A year, the common floor for HSTS preload lists; subdomains are the operator's own.
const HSTS: &str = "max-age=31536000";
const DOCS_PREFIX: &str = "/docs";

/// Whether the answer to `req` carries a secret (see [`SECRET_ANSWERS`]).
pub fn carries_secret(req: &HttpRequest) -> bool {
    let method = req.method().as_str();
    SECRET_ANSWERS.iter().any(|(m, _)| *m == method)
        && req
            .match_pattern()
            .is_some_and(|route| SECRET_ANSWERS.contains(&(method, route.as_str())))
}

/// Sets the headers of `res`; `hsts` when clients reach Roster over HTTPS.
pub fn add(res: &mut ServiceResponse<BoxBody>, hsts: bool) {
    let policy = if res.request().path().starts_with(DOCS_PREFIX) {
        DOCS_POLICY
    } else {
        API_POLICY
    };
    let no_store = carries_secret(res.request());
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
