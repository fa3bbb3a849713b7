//! Deleting a user from its org: the row goes, and with it (by the foreign keys'
//! cascades) its project memberships and pins, group memberships, Slack links and connect
//! sessions, and integrations; past events keep its id only. Its account goes too, with
//! its tokens and sessions, unless it is a user of another org.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::etag::Precondition;
use roster_core::events::{self, redact, EventType, NewEvent};
use roster_core::DomainError;

use super::get;
use super::last_admin::ensure_not_last_admin;
use crate::schema::{accounts, api_tokens, org_group_members, org_groups, sessions, users};
use crate::{orgs, AccountId, OrgId, UserId};

/// What a deletion took along, for caches of credentials to drop.
#[derive(Debug, Clone)]
pub struct DeletedUser {
    pub id: UserId,
    pub account_id: AccountId,
    /// Whether the account went too (it was a user of no other org).
    pub account_deleted: bool,
    /// The hashes of the account's API tokens and sessions, when it went.
    pub credential_hashes: Vec<Vec<u8>>,
}

/// Deletes a user of the org and erases its personal data (`user.deleted`, data
/// `{"id"}`). An unknown user, or another org's, is a 404; the org's last active AppAdmin
/// is a 409 (`last_admin`), decided under the org's lock, so that two deletions at once
/// cannot both pass it; a stale `pre` is a 412, checked on the user's locked row.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    pre: &Precondition,
) -> DomainResult<DeletedUser> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        orgs::lock(conn, org_id).await?;
        roster_core::check_locked!(pre, conn, users, (org_id, id)).await?;
        let user = get(conn, org_id, id).await?;
        ensure_not_last_admin(conn, &user).await?;
        let now = roster_core::time::now();
        // Its groups changed: their `updated_at` (SCIM's version) says so.
        diesel::update(org_groups::table)
            .filter(org_groups::org_id.eq(org_id))
            .filter(
                org_groups::id.eq_any(
                    org_group_members::table
                        .filter(org_group_members::org_id.eq(org_id))
                        .filter(org_group_members::user_id.eq(id))
                        .select(org_group_members::group_id),
                ),
            )
            .set(org_groups::updated_at.eq(now))
            .execute(conn)
            .await?;
        diesel::delete(users::table.find((org_id, id)))
            .execute(conn)
            .await?;
        let mut deleted = DeletedUser {
            id: id.clone(),
            account_id: user.account_id.clone(),
            account_deleted: false,
            credential_hashes: Vec::new(),
        };
        let elsewhere: i64 = users::table
            .filter(users::account_id.eq(&user.account_id))
            .count()
            .get_result(conn)
            .await?;
        if elsewhere == 0 {
            deleted.credential_hashes = credential_hashes(conn, &user.account_id).await?;
            diesel::delete(accounts::table.find(&user.account_id))
                .execute(conn)
                .await?;
            deleted.account_deleted = true;
            // What it did while in no org goes too (docs/events.md, "Erasure").
            redact::redact_account_of_no_org(conn, user.account_id.as_str()).await?;
        }
        erase_from_events(conn, org_id, id).await?;
        let gone = serde_json::json!({ "id": id });
        let event = NewEvent::new(org_id.as_str(), EventType::UserDeleted, id.as_str(), &gone)?;
        events::emit(conn, event).await?;
        Ok(deleted)
    })
    .await
}

/// The hashes of an account's API tokens and sessions.
async fn credential_hashes(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
) -> DomainResult<Vec<Vec<u8>>> {
    let mut hashes: Vec<Vec<u8>> = api_tokens::table
        .filter(api_tokens::account_id.eq(account_id))
        .select(api_tokens::token_hash)
        .load(conn)
        .await?;
    let sessions: Vec<Vec<u8>> = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .select(sessions::token_hash)
        .load(conn)
        .await?;
    hashes.extend(sessions);
    Ok(hashes)
}

/// Past events keep the user's id, not its personal data: its own events (`user.*`) keep
/// `{"id"}`, and groups' `group.member_added` keep `{"group_id", "user_id"}`.
async fn erase_from_events(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
) -> DomainResult<()> {
    redact::redact_target(conn, org_id.as_str(), id.as_str(), &["id"]).await?;
    let kind = EventType::GroupMemberAdded;
    let keep = ["group_id", "user_id", "created_at"];
    redact::redact_mentions(conn, org_id.as_str(), kind, "user_id", id.as_str(), &keep).await?;
    Ok(())
}
