//! Projects (`/api/v1/app/project`), pins, and a user's project list
//! (`/api/v1/app/user/{id}/project`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page, Paging};
use roster_projects::projects::{self, NewProject, Project, ProjectChanges, ProjectFilter};
use roster_projects::requests::{CreateProjectRequest, UpdateProjectRequest};
use roster_projects::{ProjectId, Visibility};
use serde::Deserialize;
use utoipa::IntoParams;

use super::app_users::user_id;
use crate::auth::AppCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/project")
            .route(web::get().to(list_projects))
            .route(web::post().to(create_project)),
    )
    .service(
        super::resource("/project/{id}")
            .route(web::get().to(get_project))
            .route(web::put().to(update_project))
            .route(web::delete().to(delete_project)),
    )
    .service(
        super::resource("/project/{id}/pin")
            .route(web::post().to(pin_project))
            .route(web::delete().to(unpin_project)),
    )
    .service(super::resource("/user/{id}/project").route(web::get().to(list_user_projects)));
}

/// A project id from the path; a malformed one names no project: 404.
pub fn project_id(raw: &str) -> ApiResult<ProjectId> {
    ProjectId::parse(raw).ok_or_else(|| ApiError::not_found("project"))
}

/// Filters of `GET /api/v1/app/project` (its paging is `OffsetParams`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProjectsQuery {
    /// Only projects with this visibility.
    pub visibility: Option<Visibility>,
}

/// The projects you may see: pinned (by you) first, then newest.
#[utoipa::path(get, path = "/api/v1/app/project", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), OffsetParams, ListProjectsQuery),
    responses((status = 200, body = Page<Project>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(offset): ApiQuery<OffsetParams>,
    ApiQuery(q): ApiQuery<ListProjectsQuery>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::by_offset(&offset)?;
    let filter = ProjectFilter {
        visibility: q.visibility,
    };
    let mut conn = state.conn().await?;
    let page = projects::list(&mut conn, &caller, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a project; you become its first Owner.
#[utoipa::path(post, path = "/api/v1/app/project", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id")),
    request_body = CreateProjectRequest,
    responses((status = 201, body = Project, headers(("Location" = String, description = "The new project's URL")))),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateProjectRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewProject::try_from(body)?;
    let mut conn = state.conn().await?;
    let project = projects::create(&mut conn, &caller, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/project/{}", project.id),
        ))
        .json(project))
}

/// One project you may see (`Private` ones: members and AppAdmins only; 404 otherwise).
#[utoipa::path(get, path = "/api/v1/app/project/{id}", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 200, body = Project)), security(("bearer" = []), ("session" = [])))]
pub async fn get_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(projects::get(&mut conn, &caller, &id).await?))
}

/// Changes a project (its Owners and Editors, or an AppAdmin). Every field is optional;
/// `null` clears a nullable one.
#[utoipa::path(put, path = "/api/v1/app/project/{id}", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    request_body = UpdateProjectRequest,
    responses((status = 200, body = Project)), security(("bearer" = []), ("session" = [])))]
pub async fn update_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateProjectRequest>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let changes = ProjectChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(projects::update(&mut conn, &caller, &id, changes).await?))
}

/// Deletes a project with its members, pins and artifacts (its Owners, or an AppAdmin).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 204, description = "Deleted")), security(("bearer" = []), ("session" = [])))]
pub async fn delete_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let mut conn = state.conn().await?;
    projects::delete(&mut conn, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Pins a project for yourself (idempotent).
#[utoipa::path(post, path = "/api/v1/app/project/{id}/pin", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 200, body = Project)), security(("bearer" = []), ("session" = [])))]
pub async fn pin_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(projects::pin(&mut conn, &caller, &id).await?))
}

/// Unpins a project for yourself (idempotent).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/pin", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 204, description = "Unpinned")), security(("bearer" = []), ("session" = [])))]
pub async fn unpin_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let mut conn = state.conn().await?;
    projects::unpin(&mut conn, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The projects a user may see, pinned by that user first, then newest, with `is_pinned`
/// for that user. Only for the user itself or an AppAdmin (403 otherwise).
#[utoipa::path(get, path = "/api/v1/app/user/{id}/project", tag = "projects",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)"), OffsetParams),
    responses((status = 200, body = Page<Project>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_user_projects(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiQuery(q): ApiQuery<OffsetParams>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    let paging = Paging::by_offset(&q)?;
    let mut conn = state.conn().await?;
    let page = projects::list_of_user(&mut conn, &caller, &id, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}
