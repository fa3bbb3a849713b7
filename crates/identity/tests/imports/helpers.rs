//! What the import tests share: an org, an import of a text, counts in SQL.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::text::Slug;
use roster_identity::imports::{self, Counts, Format, ImportOptions, LineError, OnConflict};
use roster_identity::{orgs, OrgId};

pub const PASSWORD: &str = "tangerine quokka 42";

/// Gathers the errors of every batch.
#[derive(Default)]
pub struct Errors(pub Vec<LineError>);

impl imports::Progress for Errors {
    async fn batch(
        &mut self,
        _: &mut AsyncPgConnection,
        _: &Counts,
        errors: Vec<LineError>,
    ) -> roster_core::error::DomainResult<()> {
        self.0.extend(errors);
        Ok(())
    }
}

pub async fn org(conn: &mut AsyncPgConnection, slug: &str) -> OrgId {
    orgs::create(conn, &Slug::parse("slug", slug).unwrap(), slug)
        .await
        .unwrap()
        .id
}

pub async fn import(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    file: &str,
    format: Format,
    on_conflict: OnConflict,
    dry_run: bool,
) -> (Counts, Vec<LineError>) {
    let mut errors = Errors::default();
    let options = ImportOptions {
        format,
        on_conflict,
        dry_run,
    };
    let counts = imports::run(
        conn,
        None,
        org_id,
        "imp_test",
        file.as_bytes(),
        options,
        &mut errors,
    )
    .await
    .unwrap();
    (counts, errors.0)
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub async fn count(conn: &mut AsyncPgConnection, sql: &str, org_id: &OrgId) -> i64 {
    diesel::sql_query(sql)
        .bind::<Text, _>(org_id.as_str())
        .get_result::<N>(conn)
        .await
        .unwrap()
        .n
}

pub async fn users_of(conn: &mut AsyncPgConnection, org_id: &OrgId) -> i64 {
    count(
        conn,
        "SELECT count(*) AS n FROM users WHERE org_id = $1",
        org_id,
    )
    .await
}

pub async fn counted(conn: &mut AsyncPgConnection, org_id: &OrgId) -> i64 {
    count(
        conn,
        "SELECT coalesce(sum(n), 0)::bigint AS n FROM user_counts WHERE org_id = $1",
        org_id,
    )
    .await
}

pub async fn events_of(conn: &mut AsyncPgConnection, org_id: &OrgId, kind: &str) -> i64 {
    let sql = format!("SELECT count(*) AS n FROM events WHERE org_id = $1 AND type = '{kind}'");
    count(conn, &sql, org_id).await
}

pub fn codes(errors: &[LineError]) -> Vec<(u64, &str)> {
    errors.iter().map(|e| (e.line, e.code.as_str())).collect()
}
