//! Export of an org's users, page by page in list order (creation time, then id), in the
//! fields an import reads back (ids aside; never a password hash), as NDJSON or CSV.
//! Each page is one range of the `(org_id, created_at, id)` index from the last page's
//! end (a row comparison, which the index serves; an `OR` of the two columns would be a
//! filter over every row before the cursor, a page's cost growing with its depth).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::time::Timestamp;
use serde::Serialize;

use super::raw::COLUMNS;
use super::Format;
use crate::schema::users;
use crate::{OrgId, UserId};
use roster_core::imports::export;

/// Users read per page (a few MB held at a time).
pub const PAGE: i64 = 20_000;

/// Where the next page starts: after this (created_at, id).
pub type After = (Timestamp, UserId);

/// A page's row: only the columns an export writes (not a whole user, its metadata
/// among them), read by position.
#[derive(Queryable)]
struct Row {
    id: UserId,
    created_at: Timestamp,
    email: String,
    name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    role: String,
    state: String,
    job_position_name: Option<String>,
    job_position_description: Option<String>,
    external_id: Option<String>,
}

/// A user as exported: the fields of an import line.
#[derive(Serialize)]
struct Exported<'a> {
    email: &'a str,
    name: &'a str,
    given_name: Option<&'a str>,
    family_name: Option<&'a str>,
    role: &'a str,
    state: &'a str,
    job_position_name: Option<&'a str>,
    job_position_description: Option<&'a str>,
    created_at: String,
    external_id: Option<&'a str>,
}

/// The CSV header row (no `password_hash`: exports never carry one).
pub fn csv_header() -> Vec<u8> {
    export::csv_header(&COLUMNS[..COLUMNS.len() - 1])
}

/// The next page of the org's users after `after`, written as `format` (NDJSON unless
/// CSV), and where the page after it starts (`None`: this was the last).
pub async fn page(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    after: Option<After>,
    format: Format,
) -> DomainResult<(Vec<u8>, Option<After>)> {
    let mut query = users::table
        .filter(users::org_id.eq(org_id))
        .order((users::created_at, users::id))
        .select((
            users::id,
            users::created_at,
            users::email,
            users::name,
            users::given_name,
            users::family_name,
            users::role,
            users::state,
            users::job_position_name,
            users::job_position_description,
            users::external_id,
        ))
        .limit(PAGE)
        .into_boxed();
    if let Some((at, id)) = &after {
        query = query.filter(
            sql::<Bool>("(users.created_at, users.id) > (")
                .bind::<Timestamptz, _>(*at)
                .sql(", ")
                .bind::<Text, _>(id.as_str().to_owned())
                .sql(")"),
        );
    }
    let rows: Vec<Row> = query.load(conn).await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| (r.created_at, r.id.clone())))
        .flatten();
    let users = rows
        .iter()
        .map(|r| {
            Ok(Exported {
                email: &r.email,
                name: &r.name,
                given_name: r.given_name.as_deref(),
                family_name: r.family_name.as_deref(),
                role: &r.role,
                state: &r.state,
                job_position_name: r.job_position_name.as_deref(),
                job_position_description: r.job_position_description.as_deref(),
                created_at: export::timestamp(r.created_at)?,
                external_id: r.external_id.as_deref(),
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let out = export::encode(&users, format)?;
    Ok((out, next))
}
