//! Every route of the gateway, each written once with its OpenAPI entry (see `table`):
//! the families' lists below are what the server serves and what the document says.

pub mod app;
pub mod auth;
pub mod external;
pub mod imports;
pub mod ops;
pub mod scim;
pub mod slack;
pub mod table;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpResponse, Resource};

pub use table::{Family, Table};

/// Every operation of the gateway.
pub fn table() -> Table {
    let mut table = Table::default();
    table.family(Family::default(), ops::register);
    table.family(Family::default(), auth::register);
    table.family(app::FAMILY, app::register);
    table.family(external::FAMILY, external::register);
    table.family(slack::FAMILY, slack::register);
    table.family(scim::FAMILY, scim::register);
    table
}

/// A resource serving `methods`: the others answer 405 with `Allow` naming these (RFC
/// 9110; actix would otherwise fall through to the app-wide 404).
pub fn resource(path: &str, methods: &[Method]) -> Resource {
    let allow = allow_header(methods);
    web::resource(path).default_service(web::to(move || {
        let allow = allow.clone();
        async move { method_not_allowed(allow) }
    }))
}

/// The value of `Allow` for these methods (HEAD with GET, as actix answers it).
fn allow_header(methods: &[Method]) -> HeaderValue {
    let mut names: Vec<&str> = methods.iter().map(Method::as_str).collect();
    if methods.contains(&Method::GET) && !methods.contains(&Method::HEAD) {
        names.push("HEAD");
    }
    HeaderValue::from_str(&names.join(", ")).unwrap_or(HeaderValue::from_static(""))
}

/// The body is filled in by the problem+json middleware, which names the method and path.
fn method_not_allowed(allow: HeaderValue) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow))
        .finish()
}
