//! Export of an org's users, page by page in list order (creation time, then id), in the
//! fields an import reads back (ids aside; never a password hash), as NDJSON or CSV.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::time::Timestamp;
use serde::Serialize;

use super::raw::COLUMNS;
use super::Format;
use crate::schema::users;
use crate::users::UserRecord;
use crate::{OrgId, UserId};
use roster_core::imports::export;

/// Users read per page.
pub const PAGE: i64 = 5000;

/// Where the next page starts: after this (created_at, id).
pub type After = (Timestamp, UserId);

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
        .select((UserRecord::as_select(), users::external_id))
        .limit(PAGE)
        .into_boxed();
    if let Some((at, id)) = &after {
        query = query.filter(
            users::created_at
                .gt(*at)
                .or(users::created_at.eq(*at).and(users::id.gt(id.clone()))),
        );
    }
    let rows: Vec<(UserRecord, Option<String>)> = query.load(conn).await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|(r, _)| (r.created_at, r.id.clone())))
        .flatten();
    let users = rows
        .iter()
        .map(|(r, external_id)| {
            Ok(Exported {
                email: &r.email,
                name: &r.name,
                given_name: r.given_name.as_deref(),
                family_name: r.family_name.as_deref(),
                role: r.role.as_str(),
                state: r.state.as_str(),
                job_position_name: r.job_position_name.as_deref(),
                job_position_description: r.job_position_description.as_deref(),
                created_at: export::timestamp(r.created_at)?,
                external_id: external_id.as_deref(),
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let out = export::encode(&users, format)?;
    Ok((out, next))
}
