//! The headers every answer carries: no content sniffing, no framing by other sites, HSTS
//! when clients come over HTTPS; and `Cache-Control: no-store` for the routes whose answers
//! carry a secret, marked so in the route table.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;

/// JSON answers load nothing and may be framed by nobody.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// The Swagger UI under `/docs/` runs its own scripts and styles (no inline script) and
/// fetches `/openapi.json` from the same origin.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
/// The console (`/console/`) loads its own stylesheet only, runs no script, posts its
/// forms only to itself, and may be framed by nobody.
const CONSOLE_POLICY: &str = "default-src 'self'; form-action 'self'; frame-ancestors 'none'";
/// A year, the common floor for HSTS preload lists; subdomains are the operator's own.
const HSTS: &str = "max-age=31536000";

/// For the routes whose answers carry a secret (`routes::Table::secret`): no cache may keep
/// them.
pub fn no_store() -> DefaultHeaders {
    DefaultHeaders::new().add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// Sets the headers of `res`; `hsts` when clients reach Roster over HTTPS.
pub fn add(res: &mut ServiceResponse<BoxBody>, hsts: bool) {
    let path = res.request().path();
    let console = path == crate::console::BASE || path.starts_with("/console/");
    let policy = if path == "/docs" || path.starts_with("/docs/") {
        DOCS_POLICY
    } else if console {
        CONSOLE_POLICY
    } else {
        API_POLICY
    };
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
    if console {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
}
