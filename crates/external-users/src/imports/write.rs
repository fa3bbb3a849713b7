//! Writing a batch of checked external users, set-based: the users their keys already
//! name found by one query, the new ones added by one statement (with their super
//! identities: that of the oldest user with the same identifier in the workspace, else a
//! new one shared by the batch's users with that identifier), the existing ones updated
//! by another when asked, and their events emitted together. The statement triggers on
//! external users (counters, words) run once per batch.

use std::collections::{BTreeSet, HashMap};

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::prepared_once;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType};
use roster_core::imports::{Counts, LineError, OnConflict};

use super::row::ExternalUserRow;
use crate::users::ExternalUser;
use crate::{SuperIdentityId, UserId, WorkspaceId};

/// The columns of `ExternalUser`.
const RETURNED: &str = "created_at, id, updated_at, blocked, channel_id, external_id, \
     external_user_group_id, identifier, metadata, name, super_identity_id, tier_id, workspace_id";

/// The users each row's keys name in its channel (`n` the row's place, from 1).
const EXISTING: &str = "\
SELECT i.n, u.id, u.blocked, COALESCE(u.external_id = i.external_id, false) AS by_external_id
  FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY
       AS i(channel_id, external_id, identifier_key, n)
  JOIN external_users u ON u.workspace_id = $1 AND u.channel_id = i.channel_id
   AND (u.external_id = i.external_id OR u.identifier_key = i.identifier_key)";

static ADD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "\
INSERT INTO external_users (workspace_id, id, channel_id, super_identity_id, tier_id,
       external_user_group_id, external_id, identifier, identifier_key, name, blocked,
       created_at, updated_at)
SELECT $1, i.*, now()
  FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[],
              $8::text[], $9::text[], $10::text[], $11::bool[], $12::timestamptz[]) AS i
ON CONFLICT DO NOTHING
RETURNING {RETURNED}"
    )
});

static UPDATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let returned = RETURNED
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "\
UPDATE external_users u
   SET external_id = i.external_id, identifier = i.identifier,
       identifier_key = i.identifier_key, name = i.name, tier_id = i.tier_id,
       external_user_group_id = i.group_id, blocked = i.blocked, updated_at = now()
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
              $8::uuid[], $9::bool[])
    AS i(id, external_id, identifier, identifier_key, name, tier_id, group_id, blocked)
 WHERE u.workspace_id = $1 AND u.id = i.id
   AND (u.external_id, u.identifier, u.name, u.tier_id, u.external_user_group_id, u.blocked)
       IS DISTINCT FROM
       (i.external_id, i.identifier, i.name, i.tier_id, i.group_id, i.blocked)
RETURNING {returned}"
    )
});

#[derive(QueryableByName)]
struct Existing {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Uuid)]
    id: UserId,
    #[diesel(sql_type = Bool)]
    blocked: bool,
    #[diesel(sql_type = Bool)]
    by_external_id: bool,
}

#[derive(QueryableByName)]
struct Identity {
    #[diesel(sql_type = Text)]
    identifier_key: String,
    #[diesel(sql_type = Uuid)]
    super_identity_id: SuperIdentityId,
}

fn uuids<T>(rows: &[T], f: impl Fn(&T) -> Option<uuid::Uuid>) -> Vec<Option<uuid::Uuid>> {
    rows.iter().map(f).collect()
}

fn texts<T>(rows: &[T], f: impl Fn(&T) -> Option<&str>) -> Vec<Option<&str>> {
    rows.iter().map(f).collect()
}

/// Writes `rows` (keys distinct) into the workspace; adds to `counts` and returns the
/// lines in error. Call inside a transaction.
pub(super) async fn batch(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    org_id: &str,
    rows: Vec<ExternalUserRow>,
    on_conflict: OnConflict,
    counts: &mut Counts,
) -> DomainResult<Vec<LineError>> {
    let found: Vec<Existing> = prepared_once(
        diesel::sql_query(EXISTING)
            .bind::<Uuid, _>(workspace_id)
            .bind::<Array<Nullable<Uuid>>, _>(uuids(&rows, |r| Some(r.channel_id.0)))
            .bind::<Array<Nullable<Text>>, _>(texts(&rows, |r| r.external_id.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(&rows, |r| r.identifier_key.as_deref())),
    )
    .load(conn)
    .await?;
    let mut matched: HashMap<usize, Vec<Existing>> = HashMap::new();
    for e in found {
        matched.entry(e.n as usize - 1).or_default().push(e);
    }
    let mut errors = Vec::new();
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for (i, row) in rows.into_iter().enumerate() {
        match matched.remove(&i) {
            None => new.push(row),
            Some(users) if users.iter().any(|u| u.id != users[0].id) => errors.push(row.error(
                "conflicting_keys",
                "the externalId and the identifier belong to two different external users",
            )),
            Some(mut users) => old.push((users.remove(0), row)),
        }
    }
    let mut changes = add(conn, workspace_id, &new, &mut errors, on_conflict, counts).await?;
    match on_conflict {
        OnConflict::Fail => errors.extend(old.iter().map(|(user, row)| taken(user, row))),
        OnConflict::Skip => counts.skipped += old.len() as u64,
        OnConflict::Update => {
            let updated = update(conn, workspace_id, &old).await?;
            counts.skipped += (old.len() - updated.len()) as u64;
            counts.updated += updated.len() as u64;
            let was_blocked: HashMap<UserId, bool> =
                old.iter().map(|(u, _)| (u.id, u.blocked)).collect();
            changes.extend(updated.into_iter().map(|user| {
                let kind = match (was_blocked[&user.id], user.blocked) {
                    (false, true) => EventType::ExternalUserBlocked,
                    (true, false) => EventType::ExternalUserUnblocked,
                    _ => EventType::ExternalUserUpdated,
                };
                (kind, user)
            }));
        }
    }
    counts.failed += errors.len() as u64;
    let events = changes
        .iter()
        .map(|(kind, user)| crate::events::event(org_id, workspace_id, *kind, &user.id, user))
        .collect::<DomainResult<Vec<_>>>()?;
    for chunk in events.chunks(1000) {
        events::emit_all(conn, chunk).await?;
    }
    Ok(errors)
}

fn taken(user: &Existing, row: &ExternalUserRow) -> LineError {
    if user.by_external_id {
        row.error(
            "external_id_taken",
            "an external user with this externalId already exists in this channel",
        )
    } else {
        row.error(
            "identifier_taken",
            "an external user with this identifier already exists in this channel",
        )
    }
}

/// Adds the new users with their super identities; those someone else added since the
/// lookup are skipped or refused as `on_conflict` says.
async fn add(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    rows: &[ExternalUserRow],
    errors: &mut Vec<LineError>,
    on_conflict: OnConflict,
    counts: &mut Counts,
) -> DomainResult<Vec<(EventType, ExternalUser)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let identities = super_identities(conn, workspace_id, rows).await?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|_| UserId::generate().0).collect();
    let now = roster_core::time::now();
    let added: Vec<ExternalUser> = prepared_once(
        diesel::sql_query(ADD.as_str())
            .bind::<Uuid, _>(workspace_id)
            .bind::<Array<Uuid>, _>(&ids)
            .bind::<Array<Nullable<Uuid>>, _>(uuids(rows, |r| Some(r.channel_id.0)))
            .bind::<Array<Nullable<Uuid>>, _>(
                identities.iter().map(|i| Some(i.0)).collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<Uuid>>, _>(uuids(rows, |r| r.tier_id.map(|t| t.0)))
            .bind::<Array<Nullable<Uuid>>, _>(uuids(rows, |r| {
                r.external_user_group_id.map(|g| g.0)
            }))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |r| r.external_id.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |r| r.identifier.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |r| r.identifier_key.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |r| r.name.as_deref()))
            .bind::<Array<Bool>, _>(rows.iter().map(|r| r.blocked).collect::<Vec<_>>())
            .bind::<Array<Timestamptz>, _>(
                rows.iter()
                    .map(|r| r.created_at.unwrap_or(now))
                    .collect::<Vec<_>>(),
            ),
    )
    .load(conn)
    .await?;
    counts.created += added.len() as u64;
    if added.len() < rows.len() {
        let kept: BTreeSet<uuid::Uuid> = added.iter().map(|u| u.id.0).collect();
        for (row, id) in rows.iter().zip(&ids) {
            if !kept.contains(id) {
                match on_conflict {
                    OnConflict::Skip => counts.skipped += 1,
                    _ => errors.push(row.error(
                        "external_user_taken",
                        "an external user with this externalId or identifier was added to this channel meanwhile",
                    )),
                }
            }
        }
        diesel::sql_query(
            "DELETE FROM external_super_identities s WHERE s.workspace_id = $1 \
             AND s.id = ANY($2) AND NOT EXISTS (SELECT 1 FROM external_users u \
             WHERE u.workspace_id = $1 AND u.super_identity_id = s.id)",
        )
        .bind::<Uuid, _>(workspace_id)
        .bind::<Array<Uuid>, _>(identities.iter().map(|i| i.0).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }
    Ok(added
        .into_iter()
        .map(|u| (EventType::ExternalUserCreated, u))
        .collect())
}

/// Each row's super identity: for an identifier, that of the workspace's oldest user
/// with it, else one new for the batch's users with it; for none, a new one. Joins are
/// serialised per identifier by the advisory locks `super_identities` takes.
async fn super_identities(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    rows: &[ExternalUserRow],
) -> DomainResult<Vec<SuperIdentityId>> {
    let keys: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.identifier_key.as_deref())
        .collect();
    let keys: Vec<&str> = keys.into_iter().collect();
    let mut by_key: HashMap<String, SuperIdentityId> = HashMap::new();
    if !keys.is_empty() {
        diesel::sql_query(
            "SELECT pg_advisory_xact_lock(hashtextextended($1 || k, 0)) \
             FROM (SELECT unnest($2::text[]) AS k ORDER BY 1) keys",
        )
        .bind::<Text, _>(format!("external-identifier:{workspace_id}:"))
        .bind::<Array<Text>, _>(&keys)
        .execute(conn)
        .await?;
        let found: Vec<Identity> = diesel::sql_query(
            "SELECT DISTINCT ON (identifier_key) identifier_key, super_identity_id \
             FROM external_users WHERE workspace_id = $1 AND identifier_key = ANY($2) \
             ORDER BY identifier_key, created_at, id",
        )
        .bind::<Uuid, _>(workspace_id)
        .bind::<Array<Text>, _>(&keys)
        .load(conn)
        .await?;
        by_key.extend(
            found
                .into_iter()
                .map(|f| (f.identifier_key, f.super_identity_id)),
        );
    }
    let mut fresh = Vec::new();
    let identities: Vec<SuperIdentityId> = rows
        .iter()
        .map(|r| match &r.identifier_key {
            Some(key) => *by_key.entry(key.clone()).or_insert_with(|| {
                let id = SuperIdentityId::generate();
                fresh.push(id.0);
                id
            }),
            None => {
                let id = SuperIdentityId::generate();
                fresh.push(id.0);
                id
            }
        })
        .collect();
    diesel::sql_query(
        "INSERT INTO external_super_identities (workspace_id, id, created_at) \
         SELECT $1, unnest($2::uuid[]), now()",
    )
    .bind::<Uuid, _>(workspace_id)
    .bind::<Array<Uuid>, _>(&fresh)
    .execute(conn)
    .await?;
    Ok(identities)
}

async fn update(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    rows: &[(Existing, ExternalUserRow)],
) -> DomainResult<Vec<ExternalUser>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(prepared_once(
        diesel::sql_query(UPDATE.as_str())
            .bind::<Uuid, _>(workspace_id)
            .bind::<Array<Uuid>, _>(rows.iter().map(|(u, _)| u.id.0).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |(_, r)| r.external_id.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |(_, r)| r.identifier.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |(_, r)| r.identifier_key.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(texts(rows, |(_, r)| r.name.as_deref()))
            .bind::<Array<Nullable<Uuid>>, _>(uuids(rows, |(_, r)| r.tier_id.map(|t| t.0)))
            .bind::<Array<Nullable<Uuid>>, _>(uuids(rows, |(_, r)| {
                r.external_user_group_id.map(|g| g.0)
            }))
            .bind::<Array<Bool>, _>(rows.iter().map(|(_, r)| r.blocked).collect::<Vec<_>>()),
    )
    .load(conn)
    .await?)
}
