//! SCIM Groups (`/scim/v2/Groups`): the org groups, for the org of the SCIM token. Writes
//! go through `roster_identity::groups`, as the App groups API's do.

use actix_web::{web, HttpResponse};
use roster_scim::groups;
use roster_scim::list::ListQuery;
use roster_scim::path::GROUP_SCHEMA;

use super::request::{created, ok, scim_changes, ScimRequest};
use super::respond::{body, ScimApiResult};
use crate::state::AppState;

/// The org's groups, oldest first, with their members (`excludedAttributes=members` to
/// leave them out): `filter` (over `displayName`, `externalId`, `members.value`),
/// `startIndex` (from 1), `count` (0 to 200); `totalResults` is exact.
#[utoipa::path(get, path = "/scim/v2/Groups", tag = "scim",
    params(
        ("filter" = Option<String>, Query, max_length = 4096, description = "A SCIM filter, e.g. displayName eq \"Engineering\""),
        ("startIndex" = Option<i64>, Query, description = "The 1-based index of the first result"),
        ("count" = Option<i64>, Query, description = "Results per page, 0 to 200 (default 100)"),
        ("attributes" = Option<String>, Query, max_length = 1000, description = "Only these attributes"),
        ("excludedAttributes" = Option<String>, Query, max_length = 1000, description = "All but these attributes, e.g. members"),
    ),
    responses((status = 200, description = "A ListResponse of Groups", content_type = "application/scim+json", body = Object)))]
pub async fn list_scim_groups(
    state: web::Data<AppState>,
    scim: ScimRequest,
) -> ScimApiResult<HttpResponse> {
    let query = scim.list_query(GROUP_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok(groups::list(&mut conn, scim.scope(), &query).await)
}

/// The same as the list, with its parameters in a SearchRequest body (RFC 7644 §3.4.3).
#[utoipa::path(post, path = "/scim/v2/Groups/.search", tag = "scim",
    request_body(content = Object, content_type = "application/scim+json", description = "A SearchRequest"),
    responses((status = 200, description = "A ListResponse of Groups", content_type = "application/scim+json", body = Object)))]
pub async fn search_scim_groups(
    state: web::Data<AppState>,
    scim: ScimRequest,
    bytes: web::Bytes,
) -> ScimApiResult<HttpResponse> {
    let query = ListQuery::search(&body(&bytes)?, GROUP_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok(groups::list(&mut conn, scim.scope(), &query).await)
}

/// Creates a group with its members (users of the org); a taken displayName is a 409
/// `uniqueness`, a member that is not a user of the org a 400 `invalidValue`.
#[utoipa::path(post, path = "/scim/v2/Groups", tag = "scim",
    request_body(content = Object, content_type = "application/scim+json", description = "A Group"),
    responses((status = 201, description = "The Group", content_type = "application/scim+json", body = Object,
        headers(("Location" = String, description = "The new group's URL")))))]
pub async fn create_scim_group(
    state: web::Data<AppState>,
    scim: ScimRequest,
    bytes: web::Bytes,
) -> ScimApiResult<HttpResponse> {
    let projection = scim.projection(GROUP_SCHEMA)?;
    let resource = body(&bytes)?;
    let mut conn = state.writer.conn().await?;
    created(groups::create(&mut conn, scim.scope(), &resource, &projection).await)
}

/// One group, with its members.
#[utoipa::path(get, path = "/scim/v2/Groups/{id}", tag = "scim",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    responses((status = 200, description = "The Group", content_type = "application/scim+json", body = Object)))]
pub async fn get_scim_group(
    state: web::Data<AppState>,
    scim: ScimRequest,
    id: web::Path<String>,
) -> ScimApiResult<HttpResponse> {
    let projection = scim.projection(GROUP_SCHEMA)?;
    let mut conn = state.conn().await?;
    ok(groups::get(&mut conn, scim.scope(), &id, &projection).await)
}

scim_changes! {
    path: "/scim/v2/Groups/{id}", id: "A group id (grp_…)", answer: "The Group",
    schema: GROUP_SCHEMA, then: [],
    /// Replaces a group whole (PUT): its displayName, externalId and exactly the members
    /// sent; `If-Match` with a stale version is a 412.
    put replace_scim_group("A Group") => groups::replace;
    /// Applies a PatchOp: members added and removed (a `members[value eq "…"]` path or a
    /// value list), renames; answers 200 with the group.
    patch patch_scim_group("A PatchOp") => groups::patch;
}

/// Deletes a group (204) with its memberships; the users stay.
#[utoipa::path(delete, path = "/scim/v2/Groups/{id}", tag = "scim",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_scim_group(
    state: web::Data<AppState>,
    scim: ScimRequest,
    id: web::Path<String>,
) -> ScimApiResult<HttpResponse> {
    let mut conn = state.writer.conn().await?;
    groups::delete(&mut conn, scim.scope(), &id, scim.if_match()).await?;
    Ok(HttpResponse::NoContent().finish())
}
