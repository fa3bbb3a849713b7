//! Projects (`/api/v1/app/project`), pins, and a user's project list
//! (`/api/v1/app/user/{id}/project`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page};
use roster_projects::projects::{self, NewProject, Project, ProjectChanges, ProjectFilter};
use roster_projects::requests::{CreateProjectRequest, UpdateProjectRequest};
use roster_projects::{ProjectId, Visibility};
use serde::Deserialize;
use utoipa::IntoParams;

use roster_identity::UserId;

use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, ApiQuery, Conditional, IdPath, OffsetPaging};
use crate::state::AppState;

/// Filters of `GET /api/v1/app/project`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilterQuery {
    /// Only projects with this visibility.
    pub visibility: Option<Visibility>,
}

/// The projects you may see: pinned (by you) first, then newest.
#[utoipa::path(get, path = "/api/v1/app/project", tag = "projects",
    params(OffsetParams, ProjectFilterQuery),
    responses((status = 200, body = Page<Project>)))]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<ProjectFilterQuery>,
    OffsetPaging(paging): OffsetPaging,
) -> ApiResult<HttpResponse> {
    let filter = ProjectFilter {
        visibility: q.visibility,
    };
    let mut conn = state.conn().await?;
    let page = projects::list(&mut conn, &caller, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a project; you become its first Owner.
#[utoipa::path(post, path = "/api/v1/app/project", tag = "projects",
    request_body = CreateProjectRequest,
    responses((status = 201, body = Project, headers(("Location" = String, description = "The new project's URL")))))]
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
    params(("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 200, body = Project)))]
pub async fn get_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&projects::get(&mut conn, &caller, &id).await?))
}

/// Changes a project (its Owners and Editors, or an AppAdmin). Every field is optional;
/// `null` clears a nullable one.
#[utoipa::path(put, path = "/api/v1/app/project/{id}", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)")),
    request_body = UpdateProjectRequest,
    responses((status = 200, body = Project)))]
pub async fn update_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<UpdateProjectRequest>,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let changes = ProjectChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    Ok(tagged(
        &projects::update(&mut conn, &caller, &id, changes, &cond.pre).await?,
    ))
}

/// Deletes a project with its members, pins and artifacts (its Owners, or an AppAdmin).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    projects::delete(&mut conn, &caller, &id, &cond.pre).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Pins a project for yourself (idempotent).
#[utoipa::path(post, path = "/api/v1/app/project/{id}/pin", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 200, body = Project)))]
pub async fn pin_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(projects::pin(&mut conn, &caller, &id).await?))
}

/// Unpins a project for yourself (idempotent).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/pin", tag = "projects",
    params(("id" = String, Path, description = "A project id (proj_…)")),
    responses((status = 204, description = "Unpinned")))]
pub async fn unpin_project(
    state: web::Data<AppState>,
    caller: AppCaller,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    projects::unpin(&mut conn, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The projects a user may see, pinned by that user first, then newest, with `is_pinned`
/// for that user. Only for the user itself or an AppAdmin (403 otherwise).
#[utoipa::path(get, path = "/api/v1/app/user/{id}/project", tag = "projects",
    params(("id" = String, Path, description = "A user id (user_…)"), OffsetParams),
    responses((status = 200, body = Page<Project>)))]
pub async fn list_user_projects(
    state: web::Data<AppState>,
    caller: AppCaller,
    OffsetPaging(paging): OffsetPaging,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = projects::list_of_user(&mut conn, &caller, &id, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}
