//! Writing a batch of checked users, set-based: the batch staged in a temporary table by
//! one statement (`import_users`, emptied at each commit), the users already in the org
//! marked by one join against it, the new ones added with their accounts by one
//! `INSERT ... SELECT` from it (the accounts found or created by email, an imported hash
//! kept only on an account the import creates), the existing ones updated by one
//! `UPDATE ... FROM` it when asked, and their events emitted together. The statement
//! triggers on users (counters, words) run once per batch.

use std::collections::{HashMap, HashSet};

use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use roster_core::db::prepared_once;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventId, EventType, NewEvent};

use super::row::ImportRow;
use super::{Counts, LineError, OnConflict};
use crate::users::{Role, User, UserRecord, UserState};
use crate::{AccountId, OrgId, UserId};

const USER_COLUMNS: &str = "org_id, id, account_id, name, given_name, family_name, email, \
     job_position_name, job_position_description, state, role, created_at, updated_at, metadata";

/// The session's staging table, made on its first import. `existing_id`: the user of the
/// org who has the email already.
const STAGING: &str = "\
SET LOCAL client_min_messages = warning;
CREATE TEMPORARY TABLE IF NOT EXISTS import_users (
    user_id text NOT NULL, account_id text NOT NULL, email text NOT NULL, email_key text NOT NULL,
    name text NOT NULL, given_name text, family_name text, job_position_name text,
    job_position_description text, state text NOT NULL, role text NOT NULL,
    at timestamptz NOT NULL, password_hash text, external_id text, existing_id text
) ON COMMIT DELETE ROWS";

const STAGE: &str = "\
INSERT INTO import_users (user_id, account_id, email, email_key, name, given_name, family_name,
                          job_position_name, job_position_description, state, role, at,
                          password_hash, external_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                     $12::timestamptz[], $13::text[], $14::text[])";

/// The org's users with a staged email: one join, instead of an index probe per email.
const MARK_EXISTING: &str = "\
UPDATE import_users s SET existing_id = u.id
  FROM users u
 WHERE u.org_id = $1 AND u.email_key = s.email_key
RETURNING s.email_key, u.id, u.role, u.state";

/// The new users, in id order (ids in time order: the right edge of the indexes on them).
static ADD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "\
WITH input AS (
    SELECT * FROM import_users WHERE existing_id IS NULL
), found AS (
    INSERT INTO accounts AS a (id, email, email_key, name, password_hash)
    SELECT account_id, email, email_key, name, password_hash FROM input ORDER BY email_key
    ON CONFLICT (email_key) DO UPDATE SET email = a.email
    RETURNING a.id, a.email_key
)
INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                   job_position_name, job_position_description, state, role, created_at,
                   updated_at, email_key, external_id)
SELECT $1, i.user_id, f.id, i.name, i.given_name, i.family_name, i.email, i.job_position_name,
       i.job_position_description, i.state, i.role, i.at, now(), i.email_key, i.external_id
  FROM input i JOIN found f ON f.email_key = i.email_key
 ORDER BY i.user_id
ON CONFLICT DO NOTHING
RETURNING {USER_COLUMNS}"
    )
});

/// The existing users the file changes, but those refused (`$2`).
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
  FROM import_users i
 WHERE u.org_id = $1 AND u.id = i.existing_id AND i.existing_id <> ALL ($2)
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
    let staged_accounts = stage(conn, &rows).await?;
    let existing: HashMap<String, Existing> =
        prepared_once(diesel::sql_query(MARK_EXISTING).bind::<Text, _>(org_id))
            .load::<Existing>(conn)
            .await?
            .into_iter()
            .map(|e| (e.email_key.clone(), e))
            .collect();
    let (found, new): (Vec<ImportRow>, Vec<ImportRow>) = rows
        .into_iter()
        .partition(|r| existing.contains_key(&r.email_key));
    let mut changes = Vec::new();
    let added = if new.is_empty() {
        Vec::new()
    } else {
        add(conn, org_id, &staged_accounts).await?
    };
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
        OnConflict::Update if !found.is_empty() => {
            let before = errors.len();
            let refused = keep_an_admin(conn, org_id, &found, &existing, &mut errors).await?;
            counts.failed += (errors.len() - before) as u64;
            let updated = update(conn, org_id, &refused).await?;
            counts.updated += updated.len() as u64;
            counts.skipped += (found.len() - refused.len() - updated.len()) as u64;
            changes.extend(updated.into_iter().map(|u| (EventType::UserUpdated, u)));
        }
        OnConflict::Update => {}
    }
    // Built a chunk at a time: an event's data is far bigger than its user. Their ids in
    // time order too (events_pkey is the org's, then the id).
    for chunk in changes.chunks(2000) {
        let events = chunk
            .iter()
            .map(|(kind, user)| {
                NewEvent::new(user.org_id.as_str(), *kind, user.id.as_str(), user).map(|e| {
                    NewEvent {
                        id: EventId::generate_ordered(),
                        ..e
                    }
                })
            })
            .collect::<DomainResult<Vec<_>>>()?;
        events::emit_all(conn, &events).await?;
    }
    Ok(errors)
}

/// Stages `rows` with fresh ids in time order (the batch's rows land at the right edge of
/// accounts_pkey, users_account_idx, the org's users_pkey and events' target index);
/// returns the account ids it gave them.
async fn stage(conn: &mut AsyncPgConnection, rows: &[ImportRow]) -> DomainResult<Vec<String>> {
    conn.batch_execute(STAGING).await?;
    let now = roster_core::time::now();
    let account_ids: Vec<String> = rows
        .iter()
        .map(|_| AccountId::generate_ordered().as_str().to_owned())
        .collect();
    let texts = |f: fn(&ImportRow) -> &str| -> Vec<&str> { rows.iter().map(f).collect() };
    let optional =
        |f: fn(&ImportRow) -> Option<&str>| -> Vec<Option<&str>> { rows.iter().map(f).collect() };
    prepared_once(
        diesel::sql_query(STAGE)
            .bind::<Array<Text>, _>(
                rows.iter()
                    .map(|_| UserId::generate_ordered().as_str().to_owned())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(&account_ids)
            .bind::<Array<Text>, _>(texts(|r| r.email.as_str()))
            .bind::<Array<Text>, _>(texts(|r| r.email_key.as_str()))
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
            .bind::<Array<Nullable<Text>>, _>(optional(|r| r.external_id.as_deref())),
    )
    .execute(conn)
    .await?;
    Ok(account_ids)
}

/// The updates to refuse: none, unless they would leave the org without an active
/// AppAdmin; then those that demote or deactivate one (`last_admin`). Returns the ids of
/// the users left unchanged.
async fn keep_an_admin(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    found: &[ImportRow],
    existing: &HashMap<String, Existing>,
    errors: &mut Vec<LineError>,
) -> DomainResult<Vec<UserId>> {
    let demotes = |row: &ImportRow| {
        let was = &existing[&row.email_key];
        was.role == Role::AppAdmin
            && was.state == UserState::Active
            && (row.role != Role::AppAdmin || row.state != UserState::Active)
    };
    let demoted = found.iter().filter(|r| demotes(r)).count() as i64;
    if demoted == 0 {
        return Ok(Vec::new());
    }
    crate::orgs::lock(conn, org_id).await?;
    let admins: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM users WHERE org_id = $1 AND role = 'AppAdmin' \
         AND state = 'Active'",
    )
    .bind::<Text, _>(org_id)
    .get_result(conn)
    .await?;
    if demoted < admins.n {
        return Ok(Vec::new());
    }
    let refused: Vec<&ImportRow> = found.iter().filter(|r| demotes(r)).collect();
    errors.extend(refused.iter().map(|row| {
        LineError::new(
            row.line,
            Some(row.email.as_str().to_owned()),
            "last_admin",
            "this would leave the org without an active AppAdmin",
        )
    }));
    Ok(refused
        .iter()
        .map(|row| existing[&row.email_key].id.clone())
        .collect())
}

/// Adds the staged users the org does not have; `staged_accounts`: the account ids
/// staged, which those of accounts found by email are not.
async fn add(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    staged_accounts: &[String],
) -> DomainResult<Vec<User>> {
    let records: Vec<UserRecord> =
        prepared_once(diesel::sql_query(ADD.as_str()).bind::<Text, _>(org_id))
            .load(conn)
            .await?;
    // Users added on accounts that were there before (a sign-up, a member of another
    // org): the same as an administrator adding them one by one (an unverified sign-up
    // is reclaimed for its owner, a verified owner is told).
    let created: HashSet<&str> = staged_accounts.iter().map(String::as_str).collect();
    let existing: Vec<(&OrgId, &AccountId)> = records
        .iter()
        .filter(|r| !created.contains(r.account_id.as_str()))
        .map(|r| (org_id, &r.account_id))
        .collect();
    // A chunk at a time: the mail outbox's insert binds each mail's columns.
    for chunk in existing.chunks(2000) {
        crate::ownership::after_admin_add(conn, chunk).await?;
    }
    Ok(records.into_iter().map(User::from).collect())
}

/// Updates the staged users the org has, but the `refused`.
async fn update(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    refused: &[UserId],
) -> DomainResult<Vec<User>> {
    let records: Vec<UserRecord> = prepared_once(
        diesel::sql_query(UPDATE.as_str())
            .bind::<Text, _>(org_id)
            .bind::<Array<Text>, _>(refused.iter().map(UserId::as_str).collect::<Vec<_>>()),
    )
    .load(conn)
    .await?;
    Ok(records.into_iter().map(User::from).collect())
}
