//! SCIM Users (`/scim/v2/Users`): the org's App users, for the org of the SCIM token.

use actix_web::{web, HttpResponse};
use roster_identity::UserId;
use roster_scim::list::ListQuery;
use roster_scim::path::USER_SCHEMA;
use roster_scim::users;

use super::request::{created, ok, ok_list, scim_changes, ScimRequest};
use super::respond::{body, ScimApiResult};
use crate::state::AppState;

/// The org's users, oldest first: `filter`, `startIndex` (from 1), `count` (0 to 200),
/// `attributes`, `excludedAttributes`; `totalResults` is exact.
#[utoipa::path(get, path = "/scim/v2/Users", tag = "scim",
    params(
        ("filter" = Option<String>, Query, max_length = 4096, description = "A SCIM filter, e.g. userName eq \"ada@example.com\""),
        ("startIndex" = Option<i64>, Query, description = "The 1-based index of the first result"),
        ("count" = Option<i64>, Query, description = "Results per page, 0 to 200 (default 100)"),
        ("attributes" = Option<String>, Query, max_length = 1000, description = "Only these attributes"),
        ("excludedAttributes" = Option<String>, Query, max_length = 1000, description = "All but these attributes"),
    ),
    responses((status = 200, description = "A ListResponse of Users", content_type = "application/scim+json", body = Object)))]
pub async fn list_scim_users(
    state: web::Data<AppState>,
    scim: ScimRequest,
) -> ScimApiResult<HttpResponse> {
    let query = scim.list_query(USER_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok_list(users::list(&mut conn, scim.scope(), &query).await)
}

/// The same as the list, with its parameters in a SearchRequest body (RFC 7644 §3.4.3).
#[utoipa::path(post, path = "/scim/v2/Users/.search", tag = "scim",
    request_body(content = Object, content_type = "application/scim+json", description = "A SearchRequest"),
    responses((status = 200, description = "A ListResponse of Users", content_type = "application/scim+json", body = Object)))]
pub async fn search_scim_users(
    state: web::Data<AppState>,
    scim: ScimRequest,
    bytes: web::Bytes,
) -> ScimApiResult<HttpResponse> {
    let query = ListQuery::search(&body(&bytes)?, USER_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok_list(users::list(&mut conn, scim.scope(), &query).await)
}

/// Creates a user (an AppMember).
#[utoipa::path(post, path = "/scim/v2/Users", tag = "scim",
    request_body(content = Object, content_type = "application/scim+json", description = "A User"),
    responses((status = 201, description = "The User", content_type = "application/scim+json", body = Object,
        headers(("Location" = String, description = "The new user's URL")))))]
pub async fn create_scim_user(
    state: web::Data<AppState>,
    scim: ScimRequest,
    bytes: web::Bytes,
) -> ScimApiResult<HttpResponse> {
    let projection = scim.projection(USER_SCHEMA)?;
    let resource = body(&bytes)?;
    let mut conn = state.writer.conn().await?;
    created(users::create(&mut conn, scim.scope(), &resource, &projection).await)
}

/// One user, with its groups (read-only).
#[utoipa::path(get, path = "/scim/v2/Users/{id}", tag = "scim",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, description = "The User", content_type = "application/scim+json", body = Object)))]
pub async fn get_scim_user(
    state: web::Data<AppState>,
    scim: ScimRequest,
    id: web::Path<String>,
) -> ScimApiResult<HttpResponse> {
    let projection = scim.projection(USER_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok(users::get(&mut conn, scim.scope(), &id, &projection).await)
}

scim_changes! {
    path: "/scim/v2/Users/{id}", id: "A user id (user_…)", answer: "The User",
    schema: USER_SCHEMA, then: [forget],
    /// Replaces a user's attributes (PUT); `If-Match` with a stale version is a 412.
    put replace_scim_user("A User") => users::replace;
    /// Applies a PatchOp (as Okta and Entra send them); answers 200 with the user.
    patch patch_scim_user("A PatchOp") => users::patch;
}

/// Deletes a user (204): its memberships go and its personal data is erased; a GET after
/// it is a 404. The org's last active AppAdmin cannot be deleted (409).
#[utoipa::path(delete, path = "/scim/v2/Users/{id}", tag = "scim",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_scim_user(
    state: web::Data<AppState>,
    scim: ScimRequest,
    id: web::Path<String>,
) -> ScimApiResult<HttpResponse> {
    let mut conn = state.writer.conn().await?;
    let deleted = users::delete(&mut conn, scim.scope(), &id, scim.if_match()).await?;
    forget(&state, &scim, &id);
    for hash in &deleted.credential_hashes {
        state.credentials.forget_hash(hash);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// A change of state or fields reaches the principals this process caches at once.
fn forget(state: &AppState, scim: &ScimRequest, id: &str) {
    if let Some(id) = UserId::parse(id) {
        state.principals.forget_user(&scim.client.org_id, &id);
    }
}
