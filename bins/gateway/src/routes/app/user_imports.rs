//! Bulk import and export of the org's users (AppAdmin): `POST /api/v1/app/user-imports`
//! takes the file as the body, streamed (never held whole) into the import as it arrives;
//! `GET .../user-imports/{id}` shows its state and counts, live; `GET .../errors` its
//! refused lines as NDJSON; `GET /api/v1/app/user-export` streams the users as NDJSON.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use roster_core::page::{NewestFirstCursorParams, OffsetParams, Page};
use roster_core::DomainError;
use roster_identity::imports::jobs::{self, ImportJob};
use roster_identity::imports::{
    self, export, Counts, Format, ImportOptions, LineError, OnConflict,
};
use roster_identity::{ImportId, OrgId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Conditional, CursorPaging, IdPath};
use crate::state::AppState;

/// The path of the import route, whose body deadline counts from its last bytes.
pub const IMPORT_PATH: &str = "/api/v1/app/user-imports";

const NDJSON: &str = "application/x-ndjson";

/// Query of `POST /api/v1/app/user-imports`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The body's form (default `ndjson`).
    #[param(inline)]
    pub format: Option<Format>,
    /// A user whose email the org has already: report the line (`fail`, the default),
    /// leave it (`skip`) or change it (`update`).
    #[param(inline)]
    pub on_conflict: Option<OnConflict>,
    /// Check everything, write nothing.
    pub dry_run: Option<bool>,
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
    let max = state.config.import_max_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max).into());
    }
    let options = ImportOptions {
        format: q.format.unwrap_or(Format::Ndjson),
        on_conflict: q.on_conflict.unwrap_or_default(),
        dry_run: q.dry_run.unwrap_or(false),
    };
    let org_id = caller.user.org_id.clone();
    let mut conn = state.conn().await?;
    let job = jobs::start(&mut conn, &org_id, &caller.user.id, options).await?;
    let mut guard = Unfinished::new(&state, &org_id, &job.id);
    let mut seen = 0u64;
    let body = body
        .map(move |chunk| {
            let chunk = chunk.map_err(std::io::Error::other)?;
            seen += chunk.len() as u64;
            if seen > max {
                return Err(std::io::Error::other(too_large(max).to_string()));
            }
            Ok(chunk)
        })
        .into_async_read_compat();
    let mut progress = Recorder {
        org_id: &org_id,
        id: &job.id,
        counts: Counts::default(),
    };
    let ran = imports::run(&mut conn, &org_id, &job.id, body, options, &mut progress).await;
    let outcome = ran.map_err(|e| (progress.counts, e.to_string()));
    let done = jobs::finish(&mut conn, &org_id, &job.id, outcome).await?;
    guard.done();
    if done
        .error
        .as_deref()
        .is_some_and(|e| e.contains("ROSTER_IMPORT_MAX_BYTES"))
    {
        return Err(too_large(max).into());
    }
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("{IMPORT_PATH}/{}", done.id)))
        .json(done))
}

fn too_large(max: u64) -> DomainError {
    DomainError::bad_request(
        "payload_too_large",
        format!("the file is larger than ROSTER_IMPORT_MAX_BYTES ({max} bytes)"),
    )
}

/// Turns the body's stream into the reader the import takes.
trait IntoAsyncRead {
    fn into_async_read_compat(self) -> impl tokio::io::AsyncBufRead + Unpin;
}

impl<S> IntoAsyncRead for S
where
    S: futures_util::Stream<Item = std::io::Result<web::Bytes>> + Unpin,
{
    fn into_async_read_compat(self) -> impl tokio::io::AsyncBufRead + Unpin {
        tokio_util::io::StreamReader::new(self.into_stream())
    }
}

/// Records the counts and refused lines after each batch.
struct Recorder<'a> {
    org_id: &'a OrgId,
    id: &'a str,
    counts: Counts,
}

impl imports::Progress for Recorder<'_> {
    async fn batch(
        &mut self,
        conn: &mut diesel_async::AsyncPgConnection,
        counts: &Counts,
        errors: Vec<LineError>,
    ) -> roster_core::error::DomainResult<()> {
        self.counts = *counts;
        jobs::record(conn, self.org_id, self.id, counts, &errors).await
    }
}

/// Marks the import `failed` if the request ends before it does (the client went away
/// mid-upload and actix dropped the handler).
struct Unfinished {
    pending: Option<(roster_core::db::Pool, OrgId, String)>,
}

impl Unfinished {
    fn new(state: &AppState, org_id: &OrgId, id: &str) -> Self {
        Self {
            pending: Some((state.pool.clone(), org_id.clone(), id.to_owned())),
        }
    }

    fn done(&mut self) {
        self.pending = None;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some((pool, org_id, id)) = self.pending.take() {
            actix_web::rt::spawn(async move {
                if let Ok(mut conn) = pool.get().await {
                    let why = "the upload stopped before its end".to_owned();
                    let counts = jobs::get(&mut conn, &org_id, &id).await.map(|j| Counts {
                        read: j.read as u64,
                        created: j.created as u64,
                        updated: j.updated as u64,
                        skipped: j.skipped as u64,
                        failed: j.failed as u64,
                    });
                    if let Ok(counts) = counts {
                        let _ = jobs::finish(&mut conn, &org_id, &id, Err((counts, why))).await;
                    }
                }
            });
        }
    }
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
    let page = jobs::list(&mut conn, &caller.user.org_id, &paging).await?;
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
    let job = jobs::get(&mut conn, &caller.user.org_id, id.as_str()).await?;
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
    let org_id = caller.user.org_id.clone();
    let mut conn = state.conn().await?;
    jobs::get(&mut conn, &org_id, id.as_str()).await?;
    let pages = futures_util::stream::try_unfold(Some(0i64), move |after| {
        let (pool, org_id, id) = (state.pool.clone(), org_id.clone(), id.clone());
        async move {
            let Some(after) = after else {
                return Ok::<_, actix_web::Error>(None);
            };
            let mut conn = pool
                .get()
                .await
                .map_err(actix_web::error::ErrorServiceUnavailable)?;
            let errors = jobs::errors(&mut conn, &org_id, id.as_str(), after, 5000)
                .await
                .map_err(actix_web::error::ErrorInternalServerError)?;
            let next = (errors.len() == 5000)
                .then(|| errors.last().map(|e| e.line as i64))
                .flatten();
            let mut out = Vec::new();
            for e in &errors {
                serde_json::to_writer(&mut out, e)
                    .map_err(actix_web::error::ErrorInternalServerError)?;
                out.push(b'\n');
            }
            Ok(Some((web::Bytes::from(out), next)))
        }
    });
    drop(conn);
    Ok(HttpResponse::Ok().content_type(NDJSON).streaming(pages))
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
    let first: Option<Option<export::After>> = Some(None);
    let pages = futures_util::stream::try_unfold(first, move |after| {
        let (pool, org_id) = (state.pool.clone(), org_id.clone());
        async move {
            let Some(after) = after else {
                return Ok::<_, actix_web::Error>(None);
            };
            let mut conn = pool
                .get()
                .await
                .map_err(actix_web::error::ErrorServiceUnavailable)?;
            let (page, next) = export::page(&mut conn, &org_id, after, Format::Ndjson)
                .await
                .map_err(actix_web::error::ErrorInternalServerError)?;
            Ok(Some((web::Bytes::from(page), next.map(Some))))
        }
    });
    Ok(HttpResponse::Ok().content_type(NDJSON).streaming(pages))
}
