//! Members of a project (`/api/v1/app/project/{id}/member`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page, Paging};
use roster_projects::members::{self, Member, NewMember};
use roster_projects::requests::{AddMemberRequest, UpdateMemberRequest};

use super::app_users::user_id;
use super::projects::project_id;
use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/project/{id}/member")
            .route(web::get().to(list_members))
            .route(web::post().to(add_member)),
    )
    .service(
        super::resource("/project/{id}/member/{user_id}")
            .route(web::put().to(update_member))
            .route(web::delete().to(remove_member)),
    );
}

/// The members of a project you may see, in the order they joined.
#[utoipa::path(get, path = "/api/v1/app/project/{id}/member", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"), OffsetParams),
    responses((status = 200, body = Page<Member>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiQuery(q): ApiQuery<OffsetParams>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let paging = Paging::by_offset(&q)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(members::list(&mut conn, &caller, &id, &paging).await?))
}

/// Adds a user of this org to a project (its Owners, or an AppAdmin). A user of another
/// org is a 404; an existing member is a 409.
#[utoipa::path(post, path = "/api/v1/app/project/{id}/member", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    request_body = AddMemberRequest,
    responses((status = 201, body = Member, headers(("Location" = String, description = "The new member's URL")))),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<AddMemberRequest>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
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
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"),
        ("user_id" = String, Path, description = "A member's user id (user_…)")),
    request_body = UpdateMemberRequest,
    responses((status = 200, body = Member)), security(("bearer" = []), ("session" = [])))]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&path.0)?;
    let member = user_id(&path.1)?;
    let mut conn = state.conn().await?;
    let updated = members::set_role(&mut conn, &caller, &id, &member, body.role).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Removes a member (its Owners, or an AppAdmin). Removing the last Owner is a 409.
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/member/{user_id}", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"),
        ("user_id" = String, Path, description = "A member's user id (user_…)")),
    responses((status = 204, description = "Removed")), security(("bearer" = []), ("session" = [])))]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&path.0)?;
    let member = user_id(&path.1)?;
    let mut conn = state.conn().await?;
    members::remove(&mut conn, &caller, &id, &member).await?;
    Ok(HttpResponse::NoContent().finish())
}
