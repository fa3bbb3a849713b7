//! Every route of the gateway, each written once with its OpenAPI entry (see `table`):
//! the families' lists below are what the server serves and what the document says.

pub mod app;
pub mod auth;
pub mod external;
pub mod ops;
pub mod scim;
pub mod slack;
pub mod table;

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

/// A resource whose unmatched methods answer 405 (actix would otherwise fall through to
/// the app-wide 404).
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// The body is filled in by the problem+json middleware, which names the method and path.
async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed().finish()
}
