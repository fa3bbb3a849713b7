//! Bulk import and export of the org's users (AppAdmin): `POST /api/v1/app/user-imports`
//! takes the file as the body, streamed (never held whole) into the import as it arrives;
//! `GET .../user-imports/{id}` shows its state and counts, live; `GET .../errors` its
//! refused lines as NDJSON; `GET /api/v1/app/user-export` streams the users as NDJSON.

use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::page::{NewestFirstCursorParams, OffsetParams, Page};
use roster_identity::imports::jobs::{self, ImportJob, Scope};
use roster_identity::imports::{export, Format, Users};
use roster_identity::ImportId;

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Conditional, CursorPaging, IdPath};
use crate::routes::imports::{self, ImportQuery, Tenant, Upload};
use crate::state::AppState;

/// The path of the import route, whose body deadline counts from its last bytes.
pub const IMPORT_PATH: &str = "/api/v1/app/user-imports";

fn tenant(caller: &AdminCaller) -> Tenant {
    Tenant {
        org_id: caller.user.org_id.clone(),
        workspace_id: None,
    }
}

/// Imports users from the body (AppAdmin), read as it arrives, up to
/// `ROSTER_IMPORT_MAX_BYTES`. Answers when the body is read and written, with the
/// import's final state and counts; meanwhile `GET .../user-imports/{id}` shows them live
/// (the id is in the audit log's `import.completed`, and the answer's `Location`).
#[utoipa::path(post, path = "/api/v1/app/user-imports", tag = "app-users",
    params(ImportQuery),
    request_body(content = String, content_type = "application/x-ndjson",
        description = "NDJSON (one user a line), CSV with a header row, or Auth0's export"),
    responses(
        (status = 202, body = ImportJob, headers(("Location" = String, description = "The import's URL"))),
        (status = 413, description = "The body is larger than ROSTER_IMPORT_MAX_BYTES"),
    ))]
pub async fn create_user_import(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let tenant = tenant(&caller);
    let mut users = Users {
        org_id: &caller.user.org_id,
    };
    let by = caller.user.id.as_str();
    imports::receive(
        &state,
        &tenant,
        by,
        &mut users,
        IMPORT_PATH,
        Upload { q, req, body },
    )
    .await
}

/// The org's imports (AppAdmin), newest first, each with its state and counts.
#[utoipa::path(get, path = "/api/v1/app/user-imports", tag = "app-users",
    params(OffsetParams, NewestFirstCursorParams),
    responses((status = 200, body = Page<ImportJob>)))]
pub async fn list_user_imports(
    state: web::Data<AppState>,
    caller: AdminCaller,
    CursorPaging(paging): CursorPaging,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = jobs::list(&mut conn, Scope::org(&caller.user.org_id), &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// An import's state and counts (AppAdmin), live while it runs.
#[utoipa::path(get, path = "/api/v1/app/user-imports/{id}", tag = "app-users",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, body = ImportJob)))]
pub async fn get_user_import(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<ImportId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let job = jobs::get(&mut conn, Scope::org(&caller.user.org_id), id.as_str()).await?;
    Ok(cond.read(&job))
}

/// An import's refused lines (AppAdmin), NDJSON `{"line", "email", "code", "message"}`
/// in line order, streamed.
#[utoipa::path(get, path = "/api/v1/app/user-imports/{id}/errors", tag = "app-users",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
pub async fn get_user_import_errors(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<ImportId>,
) -> ApiResult<HttpResponse> {
    imports::errors(state, tenant(&caller), id.as_str().to_owned()).await
}

/// The org's users as NDJSON (AppAdmin), in list order, streamed, in the fields an
/// import reads (never a password hash).
#[utoipa::path(get, path = "/api/v1/app/user-export", tag = "app-users",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
pub async fn export_users(
    state: web::Data<AppState>,
    caller: AdminCaller,
) -> ApiResult<HttpResponse> {
    let org_id = caller.user.org_id.clone();
    let first: Option<export::After> = None;
    Ok(imports::streamed(state, first, async move |conn, after| {
        let (page, next) = export::page(conn, &org_id, after, Format::Ndjson).await?;
        Ok((page, next.map(Some)))
    }))
}
