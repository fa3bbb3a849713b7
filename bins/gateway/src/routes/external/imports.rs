//! Bulk import and export of the workspace's external users (workspace API key), as an
//! org's users are imported and exported (`routes::imports`):
//! `POST /api/v1/external-user-imports` takes the file as the body, streamed;
//! `GET .../external-user-imports/{id}` shows its state and counts, live;
//! `GET .../errors` its refused lines as NDJSON; `GET /api/v1/external-user-export`
//! streams the external users as NDJSON.

use actix_web::{web, HttpRequest, HttpResponse};
use diesel_async::AsyncPgConnection;
use roster_core::imports::{Format, Kind};
use roster_core::DomainError;
use roster_external_users::imports::{export, ExternalUsers};
use roster_identity::imports::jobs::{self, ImportJob};
use roster_identity::{ImportId, OrgId};

use crate::auth::ExternalCaller;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Conditional, IdPath};
use crate::routes::imports::{self, PlainImportQuery, Tenant, Upload};
use crate::state::AppState;

/// The path of the import route, whose body deadline counts from its last bytes.
pub const IMPORT_PATH: &str = "/api/v1/external-user-imports";

/// The caller's workspace as an import's tenant, and its external users.
async fn tenant(
    conn: &mut AsyncPgConnection,
    caller: &ExternalCaller,
) -> ApiResult<(Tenant, ExternalUsers)> {
    let users = ExternalUsers::of(conn, caller.workspace_id).await?;
    let tenant = Tenant {
        org_id: OrgId::parse(users.org_id())
            .ok_or_else(|| DomainError::internal_msg("a workspace's org id is malformed"))?,
        workspace_id: Some(caller.workspace_id.0),
    };
    Ok((tenant, users))
}

/// Imports external users from the body, read as it arrives, up to
/// `ROSTER_IMPORT_MAX_BYTES`: NDJSON or CSV with a header row, one external user a line
/// (`channelId` or `channel`, `externalId`, `identifier`, `name`, `tierId` or `tier`,
/// `externalUserGroupId` or `externalUserGroup`, `blocked`, `createdAt`). Answers when the
/// body is read and written, with the import's final state and counts; meanwhile
/// `GET .../external-user-imports/{id}` shows them live.
#[utoipa::path(post, path = "/api/v1/external-user-imports", tag = "external-users",
    params(PlainImportQuery),
    request_body(content = String, content_type = "application/x-ndjson",
        description = "NDJSON (one external user a line) or CSV with a header row"),
    responses(
        (status = 202, description = "The import ran.", body = ImportJob,
            headers(("Location" = String, description = "The import's URL"))),
        (status = 413, description = "The body is larger than ROSTER_IMPORT_MAX_BYTES"),
    ))]
pub async fn create_external_user_import(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiQuery(q): ApiQuery<PlainImportQuery>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let q = q.into();
    let (tenant, mut users) = {
        let mut conn = state.conn().await?;
        tenant(&mut conn, &caller).await?
    };
    let by = caller.key_id.to_string();
    imports::receive(
        &state,
        &tenant,
        &by,
        &mut users,
        IMPORT_PATH,
        Upload { q, req, body },
    )
    .await
}

/// An import of external users of the workspace: its state and counts, live while it runs.
#[utoipa::path(get, path = "/api/v1/external-user-imports/{id}", tag = "external-users",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, description = "The import.", body = ImportJob)))]
pub async fn get_external_user_import(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<ImportId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let (tenant, _) = tenant(&mut conn, &caller).await?;
    let job = jobs::get(&mut conn, tenant.scope(), id.as_str()).await?;
    Ok(cond.read(&job))
}

/// An import's refused lines, NDJSON `{"line", "externalId", "identifier", "code",
/// "message"}` in line order, streamed.
#[utoipa::path(get, path = "/api/v1/external-user-imports/{id}/errors", tag = "external-users",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, description = "The refused lines.", content_type = "application/x-ndjson", body = String)))]
pub async fn get_external_user_import_errors(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    IdPath(id): IdPath<ImportId>,
) -> ApiResult<HttpResponse> {
    let (tenant, _) = {
        let mut conn = state.conn().await?;
        tenant(&mut conn, &caller).await?
    };
    imports::errors(state, tenant, id.as_str().to_owned()).await
}

/// The workspace's external users as NDJSON, in list order, streamed, in the fields an
/// import reads (the channel, tier and group by name).
#[utoipa::path(get, path = "/api/v1/external-user-export", tag = "external-users",
    responses((status = 200, description = "The external users.", content_type = "application/x-ndjson", body = String)))]
pub async fn export_external_users(
    state: web::Data<AppState>,
    caller: ExternalCaller,
) -> ApiResult<HttpResponse> {
    let workspace_id = caller.workspace_id;
    let first: Option<export::After> = None;
    Ok(imports::streamed(state, first, async move |conn, after| {
        let (page, next) = export::page(conn, workspace_id, after, Format::Ndjson).await?;
        Ok((page, next.map(Some)))
    }))
}
