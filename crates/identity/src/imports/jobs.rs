//! Imports run for an HTTP request: each has a row with its state and live counts
//! (`running` until it ends `completed` or `failed`; `interrupted` when a restart cut it
//! off) and the lines it refused. An org's imports of users and a workspace's imports of
//! external users share the table, each seen only in its [`Scope`].

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::page::{Cursor, Keyset, ListOrder, Page, Paging};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, ImportOptions, LineError};
use crate::schema::{user_import_errors, user_imports};
use crate::{ImportId, OrgId};
use roster_core::imports::ExternalKeys;

/// An import's state and counts, as `GET /api/v1/app/user-imports/{id}` shows them.
#[roster_core::time::timestamps(seconds)]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = user_imports, check_for_backend(diesel::pg::Pg))]
pub struct ImportJob {
    #[schema(value_type = String, example = "imp_3b4c5d6e7f8a9b0c")]
    pub id: String,
    /// `running`, `completed`, `failed` (see `error`) or `interrupted` (by a restart).
    #[schema(example = "running")]
    pub state: String,
    #[schema(example = "ndjson")]
    pub format: String,
    #[schema(example = "fail")]
    pub on_conflict: String,
    pub dry_run: bool,
    pub read: i64,
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub failed: i64,
    /// What stopped the whole import, when it `failed`.
    pub error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

roster_core::versioned!(ImportJob);

/// An org's imports run newest first, on the `(org_id, created_at, id)` index.
const IMPORTS: Keyset<user_imports::created_at, user_imports::id> = Keyset::new(
    user_imports::created_at,
    user_imports::id,
    ListOrder::NewestFirst,
);

/// Whose imports: an org's users (`workspace_id` none) or the external users of one of
/// its workspaces.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org_id: &'a OrgId,
    pub workspace_id: Option<uuid::Uuid>,
}

impl<'a> Scope<'a> {
    pub fn org(org_id: &'a OrgId) -> Self {
        Self {
            org_id,
            workspace_id: None,
        }
    }

    /// The imports of the scope, boxed for more filters.
    fn imports(self) -> user_imports::BoxedQuery<'a, diesel::pg::Pg> {
        let query = user_imports::table
            .filter(user_imports::org_id.eq(self.org_id))
            .into_boxed();
        match self.workspace_id {
            None => query.filter(user_imports::workspace_id.is_null()),
            Some(workspace_id) => query.filter(user_imports::workspace_id.eq(workspace_id)),
        }
    }
}

/// The session-level advisory lock a running import's connection holds: a `running` import
/// whose lock is free has no process running it any more.
const LOCK: &str = "hashtextextended('roster_user_import:' || org_id || ':' || id, 0)";

/// Records a new import, `running`, and takes its lock on this connection (until
/// [`finish`]).
/// `by` is the user (or the workspace API key) who asked for it.
pub async fn start(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    by: &str,
    options: ImportOptions,
) -> DomainResult<ImportJob> {
    let org_id = scope.org_id;
    let as_text = |v: &dyn erased::AsText| v.as_text();
    let job = diesel::insert_into(user_imports::table)
        .values((
            user_imports::org_id.eq(org_id),
            user_imports::id.eq(ImportId::generate().as_str()),
            user_imports::state.eq("running"),
            user_imports::format.eq(as_text(&options.format)),
            user_imports::on_conflict.eq(as_text(&options.on_conflict)),
            user_imports::dry_run.eq(options.dry_run),
            user_imports::created_by.eq(by),
            user_imports::workspace_id.eq(scope.workspace_id),
        ))
        .returning(ImportJob::as_returning())
        .get_result(conn)
        .await?;
    lock(conn, org_id, &job.id, "pg_advisory_lock").await?;
    Ok(job)
}

async fn lock(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &str,
    how: &str,
) -> DomainResult<()> {
    let sql = format!(
        "SELECT {how}({}) IS NOT NULL AS done FROM (SELECT $1::text AS org_id, $2::text AS id) k",
        LOCK
    );
    let _: Done = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(org_id)
        .bind::<diesel::sql_types::Text, _>(id)
        .get_result(conn)
        .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Done {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    #[allow(dead_code)]
    done: bool,
}

mod erased {
    /// The wire name of an option.
    pub trait AsText {
        fn as_text(&self) -> String;
    }

    impl<T: serde::Serialize> AsText for T {
        fn as_text(&self) -> String {
            serde_json::to_value(self)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }
    }
}

/// Records the counts so far and a batch's refused lines.
pub async fn record(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &str,
    counts: &Counts,
    errors: &[LineError],
) -> DomainResult<()> {
    set_counts(conn, org_id, id, counts, None).await?;
    for chunk in errors.chunks(1000) {
        let texts: Vec<[Option<String>; 4]> = chunk
            .iter()
            .map(|e| {
                let keys = e.keys.as_deref();
                [
                    e.email.as_deref(),
                    keys.and_then(|k| k.external_id.as_deref()),
                    keys.and_then(|k| k.identifier.as_deref()),
                    Some(e.message.as_str()),
                ]
                .map(|text| text.map(storable))
            })
            .collect();
        let rows: Vec<_> = chunk
            .iter()
            .zip(&texts)
            .map(|(e, [email, external_id, identifier, message])| {
                (
                    user_import_errors::org_id.eq(org_id),
                    user_import_errors::import_id.eq(id),
                    user_import_errors::line.eq(e.line as i64),
                    user_import_errors::email.eq(email.as_deref()),
                    user_import_errors::external_id.eq(external_id.as_deref()),
                    user_import_errors::identifier.eq(identifier.as_deref()),
                    user_import_errors::code.eq(&e.code),
                    user_import_errors::message.eq(message.as_deref().unwrap_or_default()),
                )
            })
            .collect();
        diesel::insert_into(user_import_errors::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// PostgreSQL keeps no NUL in text: the text of a refused line (its email, a message
/// quoting it) is stored with U+FFFD in place of each NUL, instead of failing the import.
fn storable(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

async fn set_counts(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &str,
    counts: &Counts,
    state: Option<(&str, Option<&str>)>,
) -> DomainResult<()> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let target = user_imports::table.find((org_id, id));
    let values = (
        user_imports::read.eq(n(counts.read)),
        user_imports::created.eq(n(counts.created)),
        user_imports::updated.eq(n(counts.updated)),
        user_imports::skipped.eq(n(counts.skipped)),
        user_imports::failed.eq(n(counts.failed)),
        user_imports::updated_at.eq(roster_core::time::now()),
    );
    match state {
        None => diesel::update(target).set(values).execute(conn).await?,
        Some((state, error)) => {
            diesel::update(target)
                .set((
                    values,
                    user_imports::state.eq(state),
                    user_imports::error.eq(error.map(storable)),
                ))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Ends an import: `completed` with its counts, or `failed` with what stopped it (the
/// counts of what was written before).
pub async fn finish(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
    outcome: Result<Counts, (Counts, String)>,
) -> DomainResult<ImportJob> {
    let org_id = scope.org_id;
    match &outcome {
        Ok(counts) => set_counts(conn, org_id, id, counts, Some(("completed", None))).await?,
        Err((counts, why)) => {
            set_counts(conn, org_id, id, counts, Some(("failed", Some(why)))).await?
        }
    }
    lock(conn, org_id, id, "pg_advisory_unlock").await?;
    get(conn, scope, id).await
}

/// An import of this scope; another org's or workspace's is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
) -> DomainResult<ImportJob> {
    scope
        .imports()
        .filter(user_imports::id.eq(id))
        .select(ImportJob::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| DomainError::not_found("import"))
}

/// The scope's imports, newest first, a page at a time.
pub async fn list(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    paging: &Paging,
) -> DomainResult<Page<ImportJob>> {
    let of_org = || scope.imports();
    let total_count: i64 = of_org().count().get_result(conn).await?;
    let behind = IMPORTS
        .behind(of_org().select(user_imports::id), paging)
        .load(conn)
        .await?;
    let rows = IMPORTS
        .page(of_org().select(ImportJob::as_select()), paging)
        .load(conn)
        .await?;
    Ok(Page::assemble(
        paging,
        rows,
        total_count,
        behind,
        |job: &ImportJob| Cursor::of(job.created_at, &job.id),
    ))
}

/// The next refused lines of an import after line `after`, at most `limit`, in line order
/// (the import known to be the caller's: [`get`]).
pub async fn errors(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &str,
    after: i64,
    limit: i64,
) -> DomainResult<Vec<LineError>> {
    type Row = (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> = user_import_errors::table
        .filter(user_import_errors::org_id.eq(org_id))
        .filter(user_import_errors::import_id.eq(id))
        .filter(user_import_errors::line.gt(after))
        .order(user_import_errors::line)
        .limit(limit)
        .select((
            user_import_errors::line,
            user_import_errors::email,
            user_import_errors::external_id,
            user_import_errors::identifier,
            user_import_errors::code,
            user_import_errors::message,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(line, email, external_id, identifier, code, message)| LineError {
                line: line as u64,
                email,
                keys: ExternalKeys::of(external_id, identifier),
                code,
                message,
            },
        )
        .collect())
}

/// Marks `interrupted` every import still `running` that no process runs any more (its
/// lock is free): at a gateway's start-up, those a restart cut off. Imports that another
/// gateway on the same database runs hold their lock and stay `running`. Returns how many
/// were marked.
pub async fn mark_interrupted(conn: &mut AsyncPgConnection) -> DomainResult<usize> {
    let sql = format!(
        "UPDATE user_imports SET state = 'interrupted', updated_at = now() \
          WHERE state = 'running' AND pg_try_advisory_lock({LOCK})"
    );
    let marked = diesel::sql_query(sql).execute(conn).await?;
    diesel::sql_query("SELECT pg_advisory_unlock_all()")
        .execute(conn)
        .await?;
    Ok(marked)
}
