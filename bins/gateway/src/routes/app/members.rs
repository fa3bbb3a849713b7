//! Members of a project (`/api/v1/app/project/{id}/member`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page};
use roster_projects::members::{self, Member, NewMember};
use roster_projects::requests::{AddMemberRequest, UpdateMemberRequest};

use roster_identity::UserId;
use roster_projects::ProjectId;

use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, IdPath, OffsetPaging};
use crate::state::AppState;

/// The members of a project you may see, in the order they joined.
#[utoipa::path(get, path = "/api/v1/app/project/{id}/member", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)"), OffsetParams),
    responses((status = 200, body = Page<Member>)))]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: AppCaller,
    OffsetPaging(paging): OffsetPaging,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(members::list(&mut conn, &caller, &id, &paging).await?))
}

/// Adds a user of this org to a project (its Owners, or an AppAdmin). A user of another
/// org is a 404; an existing member is a 409.
#[utoipa::path(post, path = "/api/v1/app/project/{id}/member", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)")),
    request_body = AddMemberRequest,
    responses((status = 201, body = Member, headers(("Location" = String, description = "The new member's URL")))))]
pub async fn add_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<AddMemberRequest>,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let new = NewMember::try_from(body)?;
    let mut conn = state.conn().await?;
    let member = members::add(&mut conn, &caller, &id, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/project/{}/member/{}", id, member.user_id),
        ))
        .json(member))
}

/// Changes a member's role (its Owners, or an AppAdmin). Demoting the last Owner is a 409.
#[utoipa::path(put, path = "/api/v1/app/project/{id}/member/{user_id}", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)"),
        ("user_id" = String, Path, description = "A member's user id (user_…)")),
    request_body = UpdateMemberRequest,
    responses((status = 200, body = Member)))]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<UpdateMemberRequest>,
    IdPath((id, member)): IdPath<(ProjectId, UserId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let updated = members::set_role(&mut conn, &caller, &id, &member, body.role).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Removes a member (its Owners, or an AppAdmin). Removing the last Owner is a 409.
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/member/{user_id}", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)"),
        ("user_id" = String, Path, description = "A member's user id (user_…)")),
    responses((status = 204, description = "Removed")))]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    IdPath((id, member)): IdPath<(ProjectId, UserId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    members::remove(&mut conn, &caller, &id, &member).await?;
    Ok(HttpResponse::NoContent().finish())
}
