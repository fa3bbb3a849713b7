//! Route wiring: one readable table per area.

pub mod app_users;
pub mod artifacts;
pub mod audit_events;
pub mod external_catalog;
pub mod external_query;
pub mod external_users;
pub mod integrations;
pub mod ops;
pub mod project_members;
pub mod projects;
pub mod sessions;
pub mod slack;
pub mod tokens;
pub mod webhooks;
pub mod workspaces;

use actix_web::{web, HttpResponse, Resource};

/// Every route of the gateway.
pub fn configure(cfg: &mut web::ServiceConfig) {
    ops::configure(cfg);
    sessions::configure(cfg);
    cfg.service(
        web::scope("/api/v1/app")
            .configure(integrations::configure)
            .configure(app_users::configure)
            .configure(projects::configure)
            .configure(project_members::configure)
            .configure(artifacts::configure)
            .configure(tokens::configure)
            .configure(workspaces::configure)
            .configure(audit_events::configure)
            .configure(webhooks::configure),
    );
    external_users::configure(cfg);
    external_catalog::configure(cfg);
    slack::configure(cfg);
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
