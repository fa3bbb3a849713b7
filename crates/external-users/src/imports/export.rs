//! Export of a workspace's external users, page by page in list order (creation time, then
//! id), in the fields an import reads back: the channel, tier and group by name, so that
//! the file imports into another workspace with catalogues of the same names.

use diesel::sql_types::{Bool, Nullable, Text, Timestamptz, Uuid};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::prepared_once;
use roster_core::error::DomainResult;
use roster_core::imports::{export, Format};
use roster_core::time::Timestamp;
use serde::Serialize;

use crate::{UserId, WorkspaceId};

/// External users read per page.
pub const PAGE: i64 = 5000;

/// Where the next page starts: after this (created_at, id).
pub type After = (Timestamp, UserId);

/// The columns an export writes, in order (those of an import but the ids).
const COLUMNS: &[&str] = &[
    "channel",
    "externalId",
    "identifier",
    "name",
    "tier",
    "externalUserGroup",
    "blocked",
    "createdAt",
];

const PAGE_SQL: &str = "\
SELECT u.id, u.created_at, c.name AS channel, u.external_id, u.identifier, u.name,
       t.name AS tier, g.name AS external_user_group, u.blocked
  FROM external_users u
  JOIN external_channels c ON c.workspace_id = u.workspace_id AND c.id = u.channel_id
  LEFT JOIN external_tiers t ON t.workspace_id = u.workspace_id AND t.id = u.tier_id
  LEFT JOIN external_user_groups g
         ON g.workspace_id = u.workspace_id AND g.id = u.external_user_group_id
 WHERE u.workspace_id = $1
   AND (u.created_at, u.id) > ($2, $3)
 ORDER BY u.created_at, u.id
 LIMIT $4";

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Uuid)]
    id: UserId,
    #[diesel(sql_type = Timestamptz)]
    created_at: Timestamp,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Nullable<Text>)]
    external_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    identifier: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    tier: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    external_user_group: Option<String>,
    #[diesel(sql_type = Bool)]
    blocked: bool,
}

/// An external user as exported: the fields of an import line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exported<'a> {
    channel: &'a str,
    external_id: Option<&'a str>,
    identifier: Option<&'a str>,
    name: Option<&'a str>,
    tier: Option<&'a str>,
    external_user_group: Option<&'a str>,
    blocked: bool,
    created_at: String,
}

/// The CSV header row.
pub fn csv_header() -> Vec<u8> {
    export::csv_header(COLUMNS)
}

/// The next page of the workspace's external users after `after`, written as `format`
/// (NDJSON unless CSV), and where the page after it starts (`None`: this was the last).
pub async fn page(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    after: Option<After>,
    format: Format,
) -> DomainResult<(Vec<u8>, Option<After>)> {
    let (at, id) = after.unwrap_or((Timestamp::UNIX_EPOCH, UserId(uuid::Uuid::nil())));
    let rows: Vec<Row> = prepared_once(
        diesel::sql_query(PAGE_SQL)
            .bind::<Uuid, _>(workspace_id)
            .bind::<Timestamptz, _>(at)
            .bind::<Uuid, _>(id)
            .bind::<diesel::sql_types::BigInt, _>(PAGE),
    )
    .load(conn)
    .await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| (r.created_at, r.id)))
        .flatten();
    let users = rows
        .iter()
        .map(|r| {
            Ok(Exported {
                channel: &r.channel,
                external_id: r.external_id.as_deref(),
                identifier: r.identifier.as_deref(),
                name: r.name.as_deref(),
                tier: r.tier.as_deref(),
                external_user_group: r.external_user_group.as_deref(),
                blocked: r.blocked,
                created_at: export::timestamp(r.created_at)?,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let out = export::encode(&users, format)?;
    Ok((out, next))
}
