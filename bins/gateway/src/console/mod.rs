//! The admin console at `/console/`: HTML pages rendered on the server from templates
//! compiled into the binary (askama, `templates/console/`), one stylesheet of its own, no
//! script. It signs in with the session cookie of `/api/auth`, every form POST carries a
//! CSRF token (`csrf`), and every page and action calls the domain functions the API
//! calls, through the same extractors, rules and events. `docs/console.md` shows it.

pub mod audit;
pub mod catalogues;
pub mod csrf;
pub mod external_users;
pub mod form;
pub mod groups;
pub mod page;
pub mod scim;
pub mod session;
pub mod sign_in;
pub mod slack;
pub mod tokens;
pub mod user;
pub mod user_related;
pub mod users;
pub mod webhooks;
pub mod workspaces;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpResponse};

use crate::routes::resource;

/// Where the console lives.
pub const BASE: &str = "/console";

/// The console's stylesheet, compiled in.
const CSS: &str = include_str!("../../templates/console/console.css");

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=300"),
        ))
        .body(CSS)
}

/// Serves the console's pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = &[Method::GET];
    let post = &[Method::POST];
    let both = &[Method::GET, Method::POST];
    cfg.service(resource("/console", get).route(web::get().to(sign_in::home)))
        .service(resource("/console/", get).route(web::get().to(sign_in::home)))
        .service(resource("/console/static/console.css", get).route(web::get().to(stylesheet)))
        .service(
            resource("/console/sign-in", both)
                .route(web::get().to(sign_in::page))
                .route(web::post().to(sign_in::sign_in)),
        )
        .service(resource("/console/sign-out", post).route(web::post().to(sign_in::sign_out)))
        .service(
            resource("/console/orgs", both)
                .route(web::get().to(sign_in::orgs))
                .route(web::post().to(sign_in::choose_org)),
        )
        .service(
            resource("/console/users", both)
                .route(web::get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .service(
            resource("/console/users/{id}", both)
                .route(web::get().to(user::page))
                .route(web::post().to(user::edit)),
        )
        .service(resource("/console/users/{id}/confirm", get).route(web::get().to(user::confirm)))
        .service(
            resource("/console/users/{id}/deactivate", post)
                .route(web::post().to(user::deactivate)),
        )
        .service(
            resource("/console/users/{id}/activate", post).route(web::post().to(user::activate)),
        )
        .service(resource("/console/users/{id}/delete", post).route(web::post().to(user::delete)))
        .service(
            resource("/console/users/{id}/groups", post)
                .route(web::post().to(groups::add_to_group)),
        )
        .service(
            resource("/console/tokens", both)
                .route(web::get().to(tokens::list))
                .route(web::post().to(tokens::create)),
        )
        .service(
            resource("/console/tokens/{id}/revoke", post).route(web::post().to(tokens::revoke)),
        )
        .service(resource("/console/audit", get).route(web::get().to(audit::list)))
        .service(
            resource("/console/webhooks", both)
                .route(web::get().to(webhooks::list))
                .route(web::post().to(webhooks::create)),
        )
        .service(resource("/console/webhooks/{id}", get).route(web::get().to(webhooks::page)))
        .service(
            resource("/console/webhooks/{id}/test", post)
                .route(web::post().to(webhooks::send_test)),
        )
        .service(
            resource("/console/webhooks/{id}/rotate-secret", post)
                .route(web::post().to(webhooks::rotate)),
        )
        .service(
            resource("/console/webhooks/{id}/deliveries/{delivery}/retry", post)
                .route(web::post().to(webhooks::retry)),
        );
    more(cfg);
}

/// The pages of groups, SCIM, external users and Slack.
fn more(cfg: &mut web::ServiceConfig) {
    let get = &[Method::GET];
    let post = &[Method::POST];
    let both = &[Method::GET, Method::POST];
    cfg.service(
        resource("/console/groups", both)
            .route(web::get().to(groups::list))
            .route(web::post().to(groups::create)),
    )
    .service(resource("/console/groups/{id}", get).route(web::get().to(groups::page)))
    .service(
        resource("/console/groups/{id}/members", post).route(web::post().to(groups::add_member)),
    )
    .service(
        resource("/console/groups/{id}/members/{user}/remove", post)
            .route(web::post().to(groups::remove_member)),
    )
    .service(
        resource("/console/scim", both)
            .route(web::get().to(scim::list))
            .route(web::post().to(scim::create)),
    )
    .service(resource("/console/scim/{id}/revoke", post).route(web::post().to(scim::revoke)))
    .service(
        resource("/console/workspaces", both)
            .route(web::get().to(workspaces::list))
            .route(web::post().to(workspaces::create)),
    )
    .service(resource("/console/workspaces/{id}", get).route(web::get().to(workspaces::page)))
    .service(
        resource("/console/workspaces/{id}/keys", post)
            .route(web::post().to(workspaces::create_key)),
    )
    .service(
        resource("/console/workspaces/{id}/keys/{key}/revoke", post)
            .route(web::post().to(workspaces::revoke_key)),
    )
    .service(
        resource(
            "/console/workspaces/{id}/{catalogue:channels|tiers|groups}",
            post,
        )
        .route(web::post().to(catalogues::add)),
    )
    .service(
        resource("/console/workspaces/{id}/users", get).route(web::get().to(external_users::list)),
    )
    .service(resource("/console/slack", get).route(web::get().to(slack::list)))
    .service(resource("/console/slack/{team}", get).route(web::get().to(slack::team)))
    .service(
        resource("/console/slack/{team}/links/{user}/unlink", post)
            .route(web::post().to(slack::unlink)),
    );
}
