//! Artifacts of a project (`/api/v1/app/project/{id}/artifact`) and a user's latest
//! artifacts (`/api/v1/app/user/{id}/latest-artifacts`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{NewestFirstCursorParams, OffsetParams, Page};
use roster_identity::UserId;
use roster_projects::artifacts::{
    self, Artifact, ArtifactChanges, ArtifactFilter, ArtifactState, ArtifactType, NewArtifact,
};
use roster_projects::requests::{latest_limit, CreateArtifactRequest, UpdateArtifactRequest};
use roster_projects::{ArtifactId, ProjectId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, ApiQuery, Conditional, CursorPaging, IdPath};
use crate::state::AppState;

/// Filters of `GET /api/v1/app/project/{id}/artifact`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArtifactFilterQuery {
    /// Only artifacts of this type.
    #[serde(rename = "type")]
    pub kind: Option<ArtifactType>,
    /// Only artifacts in this state.
    pub state: Option<ArtifactState>,
}

/// The artifacts of a project you may see, newest first.
#[utoipa::path(get, path = "/api/v1/app/project/{id}/artifact", tag = "artifacts",
    params(("id" = String, Path, description = "A project id (proj_…)"), OffsetParams, NewestFirstCursorParams, ArtifactFilterQuery),
    responses((status = 200, body = Page<Artifact>)))]
pub async fn list_artifacts(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<ArtifactFilterQuery>,
    CursorPaging(paging): CursorPaging,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
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
    params(("id" = String, Path, description = "A project id (proj_…)")),
    request_body = CreateArtifactRequest,
    responses((status = 201, body = Artifact, headers(("Location" = String, description = "The new artifact's URL")))))]
pub async fn create_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateArtifactRequest>,
    IdPath(id): IdPath<ProjectId>,
) -> ApiResult<HttpResponse> {
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
    params(("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    responses((status = 200, body = Artifact)))]
pub async fn get_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath((project, artifact)): IdPath<(ProjectId, ArtifactId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&artifacts::get(&mut conn, &caller, &project, &artifact).await?))
}

/// Changes an artifact (the project's Owners and Editors, or an AppAdmin).
#[utoipa::path(patch, path = "/api/v1/app/project/{id}/artifact/{artifact_id}", tag = "artifacts",
    params(("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    request_body = UpdateArtifactRequest,
    responses((status = 200, body = Artifact)))]
pub async fn update_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<UpdateArtifactRequest>,
    IdPath((project, artifact)): IdPath<(ProjectId, ArtifactId)>,
) -> ApiResult<HttpResponse> {
    let changes = ArtifactChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    let pre = &cond.pre;
    let updated = artifacts::update(&mut conn, &caller, &project, &artifact, changes, pre).await?;
    Ok(tagged(&updated))
}

/// Deletes an artifact (the project's Owners and Editors, or an AppAdmin).
#[utoipa::path(delete, path = "/api/v1/app/project/{id}/artifact/{artifact_id}", tag = "artifacts",
    params(("id" = String, Path, description = "A project id (proj_…)"),
        ("artifact_id" = String, Path, description = "An artifact id (artifact_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_artifact(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath((project, artifact)): IdPath<(ProjectId, ArtifactId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    artifacts::delete(&mut conn, &caller, &project, &artifact, &cond.pre).await?;
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
    params(("id" = String, Path, description = "A user id (user_…)"), LatestArtifactsQuery),
    responses((status = 200, body = Vec<Artifact>)))]
pub async fn latest_artifacts(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<LatestArtifactsQuery>,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let limit = latest_limit(q.limit)?;
    let mut conn = state.conn().await?;
    let list = artifacts::latest_of_user(&mut conn, &caller, &id, limit).await?;
    Ok(HttpResponse::Ok().json(list))
}
