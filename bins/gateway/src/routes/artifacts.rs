//! Artifacts of a project (`/api/v1/app/project/{id}/artifact`) and a user's latest
//! artifacts (`/api/v1/app/user/{id}/latest-artifacts`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{CursorParams, NewestFirstCursorParams, OffsetParams, Page, Paging};
use roster_projects::artifacts::{
    self, Artifact, ArtifactChanges, ArtifactFilter, ArtifactState, ArtifactType, NewArtifact,
};
use roster_projects::requests::{latest_limit, CreateArtifactRequest, UpdateArtifactRequest};
use roster_projects::ArtifactId;
use serde::Deserialize;
use utoipa::IntoParams;

use super::app_users::user_id;
use super::projects::project_id;
use crate::auth::AppCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/project/{id}/artifact")
            .route(web::get().to(list_artifacts))
            .route(web::post().to(create_artifact)),
    )
    .service(
        super::resource("/project/{id}/artifact/{artifact_id}")
            .route(web::get().to(get_artifact))
            .route(web::patch().to(update_artifact))
            .route(web::delete().to(delete_artifact)),
    )
    .service(super::resource("/user/{id}/latest-artifacts").route(web::get().to(latest_artifacts)));
}

/// Project and artifact ids from the path; a malformed one is a 404.
fn ids(path: &(String, String)) -> ApiResult<(roster_projects::ProjectId, ArtifactId)> {
    let project = project_id(&path.0)?;
    let artifact = ArtifactId::parse(&path.1).ok_or_else(|| ApiError::not_found("artifact"))?;
    Ok((project, artifact))
}

/// Filters of `GET /api/v1/app/project/{id}/artifact` (its paging is `OffsetParams` and
/// `CursorParams`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListArtifactsQuery {
    /// Only artifacts of this type.
    #[serde(rename = "type")]
    pub kind: Option<ArtifactType>,
    /// Only artifacts in this state.
    pub state: Option<ArtifactState>,
}

/// The artifacts of a project you may see, newest first.
#[utoipa::path(get, path = "/api/v1/app/project/{id}/artifact", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"), OffsetParams, NewestFirstCursorParams, ListArtifactsQuery),
    responses((status = 200, body = Page<Artifact>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_artifacts(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiQuery(offset): ApiQuery<OffsetParams>,
    ApiQuery(cursor): ApiQuery<CursorParams>,
    ApiQuery(q): ApiQuery<ListArtifactsQuery>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let paging = Paging::new(&offset, &cursor)?;
    let filter = ArtifactFilter {
        kind: q.kind,
        state: q.state,
    };
    let mut conn = state.conn().await?;
    let page = artifacts::list(&mut conn, &caller, &id, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds an artifact to a project (its Owners and Editors, or an AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/project/{id}/artifact", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)")),
    request_body = CreateArtifactRequest,
    responses((status = 201, body = Artifact, headers(("Location" = String, description = "The new artifact's URL")))),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<CreateArtifactRequest>,
) -> ApiResult<HttpResponse> {
    let id = project_id(&id)?;
    let new = NewArtifact::try_from(body)?;
    let mut conn = state.conn().await?;
    let artifact = artifacts::create(&mut conn, &caller, &id, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/project/{}/artifact/{}", id, artifact.id),
        ))
        .json(artifact))
}

/// One artifact of a project you may see.
#[utoipa::path(get, path = "/api/v1/app/project/{id}/artifact/{artifact_id}", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    responses((status = 200, body = Artifact)), security(("bearer" = []), ("session" = [])))]
pub async fn get_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (project, artifact) = ids(&path)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(artifacts::get(&mut conn, &caller, &project, &artifact).await?))
}

/// Changes an artifact (the project's Owners and Editors, or an AppAdmin).
#[utoipa::path(patch, path = "/api/v1/app/project/{id}/artifact/{artifact_id}", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    request_body = UpdateArtifactRequest,
    responses((status = 200, body = Artifact)), security(("bearer" = []), ("session" = [])))]
pub async fn update_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateArtifactRequest>,
) -> ApiResult<HttpResponse> {
    let (project, artifact) = ids(&path)?;
    let changes = ArtifactChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    let updated = artifacts::update(&mut conn, &caller, &project, &artifact, changes).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Deletes an artifact (the project's Owners and Editors, or an AppAdmin).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/artifact/{artifact_id}", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    responses((status = 204, description = "Deleted")), security(("bearer" = []), ("session" = [])))]
pub async fn delete_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (project, artifact) = ids(&path)?;
    let mut conn = state.conn().await?;
    artifacts::delete(&mut conn, &caller, &project, &artifact).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Query of `GET /api/v1/app/user/{id}/latest-artifacts`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LatestArtifactsQuery {
    /// How many artifacts, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The artifacts a user added, newest first, only from projects you may see.
#[utoipa::path(get, path = "/api/v1/app/user/{id}/latest-artifacts", tag = "artifacts",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)"), LatestArtifactsQuery),
    responses((status = 200, body = Vec<Artifact>)), security(("bearer" = []), ("session" = [])))]
pub async fn latest_artifacts(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiQuery(q): ApiQuery<LatestArtifactsQuery>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    let limit = latest_limit(q.limit)?;
    let mut conn = state.conn().await?;
    let list = artifacts::latest_of_user(&mut conn, &caller, &id, limit).await?;
    Ok(HttpResponse::Ok().json(list))
}
