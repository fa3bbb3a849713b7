//! Writing a batch of checked users, set-based: the users already in the org found by one
//! query, the new ones added with their accounts by one statement (the accounts found or
//! created by email, an imported hash kept only on an account the import creates), the
//! existing ones updated by another when asked, and their events emitted together. The
//! statement triggers on users (counters, words) run once per batch.

use std::collections::{HashMap, HashSet};

use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::prepared_once;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};

use super::row::ImportRow;
use super::{Counts, LineError, OnConflict};
use crate::users::{Role, User, UserRecord, UserState};
use crate::{AccountId, OrgId, UserId};

const USER_COLUMNS: &str = "org_id, id, account_id, name, given_name, family_name, email, \
     job_position_name, job_position_description, state, role, created_at, updated_at, metadata";
const ADDED_COLUMNS: &str = "org_id, id, account_id, name, given_name, family_name, email, \
     job_position_name, job_position_description, state, role, created_at, updated_at, email_key, \
     external_id";

static ADD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "\
WITH input AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[],
                         $13::text[], $14::text[], $15::text[])
        AS i(user_id, account_id, email, name, given_name, family_name, job_position_name,
             job_position_description, state, role, at, password_hash, email_key, external_id)
), found AS (
    INSERT INTO accounts AS a (id, email, email_key, name, password_hash)
    SELECT account_id, email, email_key, name, password_hash FROM input ORDER BY email_key
    ON CONFLICT (email_key) DO UPDATE SET email = a.email
    RETURNING a.id, a.email_key
)
INSERT INTO users ({ADDED_COLUMNS})
SELECT $1, i.user_id, f.id, i.name, i.given_name, i.family_name, i.email, i.job_position_name,
       i.job_position_description, i.state, i.role, i.at, now(), i.email_key, i.external_id
  FROM input i JOIN found f ON f.email_key = i.email_key
ON CONFLICT DO NOTHING
RETURNING {USER_COLUMNS}"
    )
});

static UPDATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let returned = USER_COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "\
UPDATE users u
   SET name = i.name, given_name = i.given_name, family_name = i.family_name,
       job_position_name = i.job_position_name,
       job_position_description = i.job_position_description,
       state = i.state, role = i.role, external_id = i.external_id, updated_at = now()
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::text[], $9::text[], $10::text[])
    AS i(id, name, given_name, family_name, job_position_name, job_position_description,
         state, role, external_id)
 WHERE u.org_id = $1 AND u.id = i.id
   AND (u.name, u.given_name, u.family_name, u.job_position_name, u.job_position_description,
        u.state, u.role, u.external_id)
       IS DISTINCT FROM
       (i.name, i.given_name, i.family_name, i.job_position_name, i.job_position_description,
        i.state, i.role, i.external_id)
RETURNING {returned}"
    )
});

#[derive(QueryableByName)]
struct Existing {
    #[diesel(sql_type = Text)]
    email_key: String,
    #[diesel(sql_type = Text)]
    id: UserId,
    #[diesel(sql_type = Text)]
    role: Role,
    #[diesel(sql_type = Text)]
    state: UserState,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn taken(row: &ImportRow) -> LineError {
    LineError::new(
        row.line,
        Some(row.email.as_str().to_owned()),
        "email_taken",
        "a user with this email already exists in this org",
    )
}

/// Writes `rows` (emails distinct) into the org; adds to `counts` and returns the lines in
/// error. Call inside a transaction.
pub async fn batch(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    rows: Vec<ImportRow>,
    on_conflict: OnConflict,
    counts: &mut Counts,
) -> DomainResult<Vec<LineError>> {
    let mut errors = Vec::new();
    let keys: Vec<&str> = rows.iter().map(|r| r.email_key.as_str()).collect();
    let existing: HashMap<String, Existing> = prepared_once(
        diesel::sql_query(
            "SELECT email_key, id, role, state FROM users \
             WHERE org_id = $1 AND email_key = ANY($2)",
        )
        .bind::<Text, _>(org_id)
        .bind::<Array<Text>, _>(keys),
    )
    .load::<Existing>(conn)
    .await?
    .into_iter()
    .map(|e| (e.email_key.clone(), e))
    .collect();
    let (found, new): (Vec<ImportRow>, Vec<ImportRow>) = rows
        .into_iter()
        .partition(|r| existing.contains_key(&r.email_key));
    let mut changes = Vec::new();
    let added = add(conn, org_id, &new).await?;
    let added_keys: HashSet<String> = added.iter().map(|u| u.email.to_lowercase()).collect();
    for row in &new {
        if !added_keys.contains(&row.email_key) {
            // Added by someone else since the lookup above.
            match on_conflict {
                OnConflict::Skip => counts.skipped += 1,
                _ => {
                    counts.failed += 1;
                    errors.push(taken(row));
                }
            }
        }
    }
    counts.created += added.len() as u64;
    changes.extend(added.into_iter().map(|u| (EventType::UserCreated, u)));
    match on_conflict {
        OnConflict::Fail => {
            counts.failed += found.len() as u64;
            errors.extend(found.iter().map(taken));
        }
        OnConflict::Skip => counts.skipped += found.len() as u64,
        OnConflict::Update => {
            let before = errors.len();
            let updates = keep_an_admin(conn, org_id, found, &existing, &mut errors).await?;
            counts.failed += (errors.len() - before) as u64;
            let asked = updates.len() as u64;
            let updated = update(conn, org_id, &updates).await?;
            counts.updated += updated.len() as u64;
            counts.skipped += asked - updated.len() as u64;
            changes.extend(updated.into_iter().map(|u| (EventType::UserUpdated, u)));
        }
    }
    // Built a chunk at a time: an event's data is far bigger than its user.
    for chunk in changes.chunks(2000) {
        let events = chunk
            .iter()
            .map(|(kind, user)| NewEvent::new(user.org_id.as_str(), *kind, user.id.as_str(), user))
            .collect::<DomainResult<Vec<_>>>()?;
        events::emit_all(conn, &events).await?;
    }
    Ok(errors)
}

/// The updates to make: all of them, unless they would leave the org without an active
/// AppAdmin; then those that demote or deactivate one are refused (`last_admin`).
async fn keep_an_admin(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    found: Vec<ImportRow>,
    existing: &HashMap<String, Existing>,
    errors: &mut Vec<LineError>,
) -> DomainResult<Vec<(UserId, ImportRow)>> {
    let demotes = |row: &ImportRow| {
        let was = &existing[&row.email_key];
        was.role == Role::AppAdmin
            && was.state == UserState::Active
            && (row.role != Role::AppAdmin || row.state != UserState::Active)
    };
    let demoted = found.iter().filter(|r| demotes(r)).count() as i64;
    let refuse = if demoted > 0 {
        crate::orgs::lock(conn, org_id).await?;
        let admins: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM users WHERE org_id = $1 AND role = 'AppAdmin' \
             AND state = 'Active'",
        )
        .bind::<Text, _>(org_id)
        .get_result(conn)
        .await?;
        demoted >= admins.n
    } else {
        false
    };
    let mut updates = Vec::new();
    for row in found {
        if refuse && demotes(&row) {
            errors.push(LineError::new(
                row.line,
                Some(row.email.as_str().to_owned()),
                "last_admin",
                "this would leave the org without an active AppAdmin",
            ));
        } else {
            updates.push((existing[&row.email_key].id.clone(), row));
        }
    }
    Ok(updates)
}

async fn add(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    rows: &[ImportRow],
) -> DomainResult<Vec<User>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let now = roster_core::time::now();
    let account_ids: Vec<String> = rows
        .iter()
        .map(|_| AccountId::generate().as_str().to_owned())
        .collect();
    let texts = |f: fn(&ImportRow) -> &str| -> Vec<&str> { rows.iter().map(f).collect() };
    let optional =
        |f: fn(&ImportRow) -> Option<&str>| -> Vec<Option<&str>> { rows.iter().map(f).collect() };
    let records: Vec<UserRecord> = prepared_once(
        diesel::sql_query(ADD.as_str())
            .bind::<Text, _>(org_id)
            .bind::<Array<Text>, _>(
                rows.iter()
                    .map(|_| UserId::generate().as_str().to_owned())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(&account_ids)
            .bind::<Array<Text>, _>(texts(|r| r.email.as_str()))
            .bind::<Array<Text>, _>(texts(|r| r.name.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.given_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.family_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.job_position_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.job_position_description.as_deref()))
            .bind::<Array<Text>, _>(texts(|r| r.state.as_str()))
            .bind::<Array<Text>, _>(texts(|r| r.role.as_str()))
            .bind::<Array<Timestamptz>, _>(
                rows.iter()
                    .map(|r| r.created_at.unwrap_or(now))
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<Text>>, _>(optional(|r| {
                r.password_hash.as_ref().map(|h| h.as_str())
            }))
            .bind::<Array<Text>, _>(texts(|r| r.email_key.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.external_id.as_deref())),
    )
    .load(conn)
    .await?;
    // Users added on accounts that were there before (a sign-up, a member of another
    // org): the same as an administrator adding them one by one (an unverified sign-up
    // is reclaimed for its owner, a verified owner is told).
    let created: HashSet<&str> = account_ids.iter().map(String::as_str).collect();
    let existing: Vec<(&OrgId, &AccountId)> = records
        .iter()
        .filter(|r| !created.contains(r.account_id.as_str()))
        .map(|r| (org_id, &r.account_id))
        .collect();
    if !existing.is_empty() {
        crate::ownership::after_admin_add(conn, &existing).await?;
    }
    Ok(records.into_iter().map(User::from).collect())
}

async fn update(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    rows: &[(UserId, ImportRow)],
) -> DomainResult<Vec<User>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let texts =
        |f: fn(&ImportRow) -> &str| -> Vec<&str> { rows.iter().map(|(_, r)| f(r)).collect() };
    let optional = |f: fn(&ImportRow) -> Option<&str>| -> Vec<Option<&str>> {
        rows.iter().map(|(_, r)| f(r)).collect()
    };
    let records: Vec<UserRecord> = prepared_once(
        diesel::sql_query(UPDATE.as_str())
            .bind::<Text, _>(org_id)
            .bind::<Array<Text>, _>(rows.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(texts(|r| r.name.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.given_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.family_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.job_position_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.job_position_description.as_deref()))
            .bind::<Array<Text>, _>(texts(|r| r.state.as_str()))
            .bind::<Array<Text>, _>(texts(|r| r.role.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.external_id.as_deref())),
    )
    .load(conn)
    .await?;
    Ok(records.into_iter().map(User::from).collect())
}
