//! What every bulk import and export route shares, whatever it imports (an org's users,
//! a workspace's external users): the body streamed (never held whole) into the import as
//! it arrives, up to `ROSTER_IMPORT_MAX_BYTES`; the import's row kept live (its counts,
//! its refused lines, `failed` if the client goes away); the refused lines and the export
//! streamed as NDJSON, page by page.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use roster_core::error::DomainResult;
use roster_core::imports::{self, Counts, Format, ImportOptions, Kind, LineError, OnConflict};
use roster_core::DomainError;
use roster_identity::imports::jobs::{self, Scope};
use roster_identity::OrgId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;
use crate::state::AppState;

pub const NDJSON: &str = "application/x-ndjson";

/// Query of an import's `POST`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The body's form (default `ndjson`).
    #[param(inline)]
    pub format: Option<Format>,
    /// A record the tenant has already: report the line (`fail`, the default), leave it
    /// (`skip`) or change it (`update`).
    #[param(inline)]
    pub on_conflict: Option<OnConflict>,
    /// Check everything, write nothing.
    pub dry_run: Option<bool>,
}

/// The options of an import whose records have no form of their own (external users):
/// NDJSON or CSV.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlainImportQuery {
    /// The body's form (default `ndjson`).
    #[param(inline)]
    pub format: Option<PlainFormat>,
    /// A record the tenant has already: report the line (`fail`, the default), leave it
    /// (`skip`) or change it (`update`).
    #[param(inline)]
    pub on_conflict: Option<OnConflict>,
    /// Check everything, write nothing.
    pub dry_run: Option<bool>,
}

/// NDJSON or CSV with a header row.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlainFormat {
    Ndjson,
    Csv,
}

impl From<PlainImportQuery> for ImportQuery {
    fn from(q: PlainImportQuery) -> Self {
        let format = q.format.map(|f| match f {
            PlainFormat::Ndjson => Format::Ndjson,
            PlainFormat::Csv => Format::Csv,
        });
        Self {
            format,
            on_conflict: q.on_conflict,
            dry_run: q.dry_run,
        }
    }
}

/// Whose imports, owned (for the work that outlives the handler's borrows).
#[derive(Debug, Clone)]
pub struct Tenant {
    pub org_id: OrgId,
    pub workspace_id: Option<uuid::Uuid>,
}

impl Tenant {
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            org_id: &self.org_id,
            workspace_id: self.workspace_id,
        }
    }
}

/// An import's request: its options, its head and its body.
pub struct Upload {
    pub q: ImportQuery,
    pub req: HttpRequest,
    pub body: web::Payload,
}

/// Runs an import of `kind` from the body for `tenant`, asked by `by`; answers 202 with
/// the import's final state and counts (its URL, under `path`, in `Location`).
pub async fn receive<K: Kind>(
    state: &AppState,
    tenant: &Tenant,
    by: &str,
    kind: &mut K,
    path: &str,
    upload: Upload,
) -> ApiResult<HttpResponse> {
    let Upload { q, req, body } = upload;
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
    if !K::accepts(options.format) {
        return Err(imports::unsupported(options.format).into());
    }
    let mut conn = state.conn().await?;
    let job = jobs::start(&mut conn, tenant.scope(), by, options).await?;
    let mut guard = Unfinished {
        pending: Some((state.pool.clone(), tenant.clone(), job.id.clone())),
    };
    let mut seen = 0u64;
    let body = body.map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > max {
            return Err(std::io::Error::other(too_large(max).to_string()));
        }
        Ok(chunk)
    });
    let body = tokio_util::io::StreamReader::new(body.into_stream());
    let mut progress = Recorder {
        org_id: &tenant.org_id,
        id: &job.id,
        counts: Counts::default(),
    };
    // One writer: the body comes at the client's pace, and the pool serves requests.
    let ran = imports::run(&mut conn, None, kind, &job.id, body, options, &mut progress).await;
    let outcome = ran.map_err(|e| (progress.counts, e.to_string()));
    let done = jobs::finish(&mut conn, tenant.scope(), &job.id, outcome).await?;
    guard.pending = None;
    if done
        .error
        .as_deref()
        .is_some_and(|e| e.contains("ROSTER_IMPORT_MAX_BYTES"))
    {
        return Err(too_large(max).into());
    }
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("{path}/{}", done.id)))
        .json(done))
}

fn too_large(max: u64) -> DomainError {
    DomainError::bad_request(
        "payload_too_large",
        format!("the file is larger than ROSTER_IMPORT_MAX_BYTES ({max} bytes)"),
    )
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
    ) -> DomainResult<()> {
        self.counts = *counts;
        jobs::record(conn, self.org_id, self.id, counts, &errors).await
    }
}

/// Marks the import `failed` if the request ends before it does (the client went away
/// mid-upload and actix dropped the handler).
struct Unfinished {
    pending: Option<(roster_core::db::Pool, Tenant, String)>,
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some((pool, tenant, id)) = self.pending.take() {
            actix_web::rt::spawn(async move {
                if let Ok(mut conn) = pool.get().await {
                    let why = "the upload stopped before its end".to_owned();
                    let counts = jobs::get(&mut conn, tenant.scope(), &id)
                        .await
                        .map(|j| Counts {
                            read: j.read as u64,
                            created: j.created as u64,
                            updated: j.updated as u64,
                            skipped: j.skipped as u64,
                            failed: j.failed as u64,
                        });
                    if let Ok(counts) = counts {
                        let outcome = Err((counts, why));
                        let _ = jobs::finish(&mut conn, tenant.scope(), &id, outcome).await;
                    }
                }
            });
        }
    }
}

/// An import's refused lines as NDJSON, in line order, streamed (404 unless the import is
/// the tenant's).
pub async fn errors(
    state: web::Data<AppState>,
    tenant: Tenant,
    id: String,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    jobs::get(&mut conn, tenant.scope(), &id).await?;
    drop(conn);
    let org_id = tenant.org_id;
    Ok(streamed(state, 0i64, async move |conn, after| {
        let errors = jobs::errors(conn, &org_id, &id, after, 5000).await?;
        let next = (errors.len() == 5000)
            .then(|| errors.last().map(|e| e.line as i64))
            .flatten();
        let mut out = Vec::new();
        for e in &errors {
            serde_json::to_writer(&mut out, e).map_err(DomainError::internal)?;
            out.push(b'\n');
        }
        Ok((out, next))
    }))
}

/// An NDJSON answer streamed page by page: `page` gives a page's bytes from where the
/// last one left off, and where the next starts (`None`: it was the last); each page on a
/// connection of its own, held only while it is read.
pub fn streamed<A, F>(state: web::Data<AppState>, first: A, page: F) -> HttpResponse
where
    A: 'static,
    F: AsyncFn(&mut diesel_async::AsyncPgConnection, A) -> DomainResult<(Vec<u8>, Option<A>)>
        + Clone
        + 'static,
{
    let pages = futures_util::stream::try_unfold(Some(first), move |after| {
        let (pool, page) = (state.pool.clone(), page.clone());
        async move {
            let Some(after) = after else {
                return Ok::<_, actix_web::Error>(None);
            };
            let mut conn = pool
                .get()
                .await
                .map_err(actix_web::error::ErrorServiceUnavailable)?;
            let (bytes, next) = page(&mut conn, after)
                .await
                .map_err(actix_web::error::ErrorInternalServerError)?;
            Ok(Some((web::Bytes::from(bytes), next)))
        }
    });
    HttpResponse::Ok().content_type(NDJSON).streaming(pages)
}
