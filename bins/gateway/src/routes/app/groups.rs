//! Groups of the org's users (`/api/v1/app/groups`): read by every active user of the
//! org, written by its AppAdmins.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{CursorParams, OffsetParams, Page};
use roster_core::search::SearchTerm;
use roster_identity::groups::requests::{
    AddGroupMemberRequest, CreateOrgGroupRequest, UpdateOrgGroupRequest,
};
use roster_identity::groups::{self, Group, GroupChanges, GroupFilter, GroupMember, NewGroup};
use roster_identity::{OrgGroupId, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AdminCaller, AppCaller};
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, ApiQuery, Conditional, CursorPaging, IdPath};
use crate::state::AppState;

/// Filters of `GET /api/v1/app/groups`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupFilterQuery {
    /// Case-insensitive substring of the display name.
    #[param(value_type = Option<SearchTerm>, inline)]
    pub search: Option<String>,
}

/// The org's groups, oldest first, paginated.
#[utoipa::path(get, path = "/api/v1/app/groups", tag = "groups",
    params(OffsetParams, CursorParams, GroupFilterQuery),
    responses((status = 200, body = Page<Group>)))]
pub async fn list_org_groups(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<GroupFilterQuery>,
    CursorPaging(paging): CursorPaging,
) -> ApiResult<HttpResponse> {
    let filter = GroupFilter {
        search: SearchTerm::parse(q.search.as_deref())?,
        ..GroupFilter::default()
    };
    let mut conn = state.conn().await?;
    let page = groups::list(&mut conn, &caller.user.org_id, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a group (AppAdmin), with members if given. A display name taken in the org,
/// whatever its case, is a 409 (`group_name_taken`).
#[utoipa::path(post, path = "/api/v1/app/groups", tag = "groups",
    request_body = CreateOrgGroupRequest,
    responses((status = 201, body = Group, headers(("Location" = String, description = "The new group's URL")))))]
pub async fn create_org_group(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<CreateOrgGroupRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewGroup::try_from(body)?;
    let mut conn = state.conn().await?;
    let group = groups::create(&mut conn, &caller.user.org_id, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/app/groups/{}", group.id)))
        .json(group))
}

/// One group of the org.
#[utoipa::path(get, path = "/api/v1/app/groups/{id}", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    responses((status = 200, body = Group)))]
pub async fn get_org_group(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath(id): IdPath<OrgGroupId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&groups::get(&mut conn, &caller.user.org_id, &id).await?))
}

/// Changes a group's display name or external id (AppAdmin); `null` clears the external id.
#[utoipa::path(patch, path = "/api/v1/app/groups/{id}", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    request_body = UpdateOrgGroupRequest,
    responses((status = 200, body = Group)))]
pub async fn update_org_group(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<UpdateOrgGroupRequest>,
    IdPath(id): IdPath<OrgGroupId>,
) -> ApiResult<HttpResponse> {
    let changes = GroupChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    let group = groups::update(&mut conn, &caller.user.org_id, &id, changes, &cond.pre).await?;
    Ok(tagged(&group))
}

/// Deletes a group and its memberships (AppAdmin); its users stay.
#[utoipa::path(delete, path = "/api/v1/app/groups/{id}", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_org_group(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<OrgGroupId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    groups::delete(&mut conn, &caller.user.org_id, &id, &cond.pre).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The members of a group, in the order they joined, paginated.
#[utoipa::path(get, path = "/api/v1/app/groups/{id}/members", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)"), OffsetParams, CursorParams),
    responses((status = 200, body = Page<GroupMember>)))]
pub async fn list_org_group_members(
    state: web::Data<AppState>,
    caller: AppCaller,
    CursorPaging(paging): CursorPaging,
    IdPath(id): IdPath<OrgGroupId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = groups::members(&mut conn, &caller.user.org_id, &id, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a user of the org to a group (AppAdmin). A user of another org is a 404; a user
/// already a member is a 409 (`already_member`).
#[utoipa::path(post, path = "/api/v1/app/groups/{id}/members", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)")),
    request_body = AddGroupMemberRequest,
    responses((status = 201, body = GroupMember, headers(("Location" = String, description = "The membership's URL")))))]
pub async fn add_org_group_member(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<AddGroupMemberRequest>,
    IdPath(id): IdPath<OrgGroupId>,
) -> ApiResult<HttpResponse> {
    let user_id = body.user_id()?;
    let mut conn = state.conn().await?;
    let member = groups::add_member(&mut conn, &caller.user.org_id, &id, &user_id).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/groups/{}/members/{}", id, member.user_id),
        ))
        .json(member))
}

/// Removes a member from a group (AppAdmin); the user stays in the org.
#[utoipa::path(delete, path = "/api/v1/app/groups/{id}/members/{user_id}", tag = "groups",
    params(("id" = String, Path, description = "A group id (grp_…)"),
        ("user_id" = String, Path, description = "A member's user id (user_…)")),
    responses((status = 204, description = "Removed")))]
pub async fn remove_org_group_member(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath((id, user_id)): IdPath<(OrgGroupId, UserId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    groups::remove_member(&mut conn, &caller.user.org_id, &id, &user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
