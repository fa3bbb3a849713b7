//! Links between Slack users and Roster users: made by redeeming a link token or by
//! OpenID Connect, read by the bot (`link-status`, which records `last_used_at`), listed
//! per workspace, and removed by their user or an AppAdmin. A user's `Slack` integration
//! (`/api/v1/app/user/integrations`) is kept in step, in the same transaction.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::integrations::{self, IntegrationType};
use roster_identity::{OrgId, UserId};

use crate::events;
use crate::link_token::LinkToken;
use crate::schema::{slack_link_redemptions, slack_user_links};
use crate::{EnterpriseId, SlackLinkId, SlackUserId, TeamId};

mod read;
pub(crate) use read::users_in_team;
pub use read::{connection_of, find, find_and_touch, latest_of_user, of_team};

/// A link as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = slack_user_links, check_for_backend(diesel::pg::Pg))]
pub struct LinkRecord {
    pub org_id: OrgId,
    pub id: SlackLinkId,
    pub team_id: String,
    pub slack_user_id: String,
    pub user_id: UserId,
    pub enterprise_id: Option<String>,
    pub slack_username: Option<String>,
    pub slack_email: Option<String>,
    pub linked_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// A Slack user, as far as Roster knows them.
#[derive(Debug, Clone)]
pub struct SlackIdentity {
    pub team_id: TeamId,
    pub user_id: SlackUserId,
    pub enterprise_id: Option<EnterpriseId>,
    pub username: Option<String>,
    pub email: Option<String>,
}

/// What to do when the Slack user is already linked to someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relink {
    /// Answer 409.
    Refuse,
    /// Move the link to the new user.
    TakeOver,
}

/// Which links to remove: those matching every given part. Parsed requests always give
/// a Slack user (team and user) or a Roster user.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub team_id: Option<TeamId>,
    pub slack_user_id: Option<SlackUserId>,
    pub user_id: Option<UserId>,
}

/// Who may be affected by an unlink.
#[derive(Debug, Clone)]
pub enum Unlinker {
    /// An AppAdmin of the tenant (or Slack itself, for a signed slash command).
    Anyone,
    /// A user removing their own links: someone else's is a 403.
    OnlyUser(UserId),
}

impl From<&Principal> for Unlinker {
    /// An AppAdmin may unlink anyone in the tenant; anyone else only themselves.
    fn from(by: &Principal) -> Self {
        if by.is_admin() {
            Unlinker::Anyone
        } else {
            Unlinker::OnlyUser(by.user.id.clone())
        }
    }
}

/// Redeems a verified link token for `user_id`: records its `jti` (a replay, even a
/// concurrent one, is a 400 that says the token was already used) and links the Slack
/// user. Redeeming again for the same person links nothing new and answers the same link.
/// A failed redemption (409, say) leaves the token unused.
pub async fn redeem(
    conn: &mut AsyncPgConnection,
    token: &LinkToken,
    by: &Principal,
    user_id: &UserId,
    relink: Relink,
) -> DomainResult<LinkRecord> {
    if *user_id != by.user.id || by.user.org_id != token.org_id {
        return Err(DomainError::forbidden(
            "not_your_user",
            "userId must be your own user in the token's tenant",
        ));
    }
    let expires_at = time::OffsetDateTime::from_unix_timestamp(token.expires_at_unix)
        .map_err(|_| DomainError::bad_request("invalid_link_token", "the link token is invalid"))?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        // Expired tokens are refused before they get here, so their jtis need not be kept.
        // Pruned a batch at a time, skipping rows a concurrent redemption is pruning.
        diesel::sql_query(
            "DELETE FROM slack_link_redemptions WHERE (org_id, jti) IN ( \
               SELECT org_id, jti FROM slack_link_redemptions \
                WHERE org_id = $1 AND expires_at < now() - interval '1 hour' \
                LIMIT 100 FOR UPDATE SKIP LOCKED)",
        )
        .bind::<Text, _>(&token.org_id)
        .execute(conn)
        .await?;
        diesel::insert_into(slack_link_redemptions::table)
            .values((
                slack_link_redemptions::org_id.eq(&token.org_id),
                slack_link_redemptions::jti.eq(&token.jti),
                slack_link_redemptions::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some("slack_link_redemptions_pkey") => DomainError::bad_request(
                    "link_token_used",
                    "this link token was already used: run the link command in Slack again for a new one",
                )
                .on_field("token", "already used"),
                _ => e.into(),
            })?;
        let identity = SlackIdentity {
            team_id: token.team_id.clone(),
            user_id: token.slack_user_id.clone(),
            enterprise_id: token.enterprise_id.clone(),
            username: token.username.clone(),
            email: None,
        };
        link(conn, &token.org_id, user_id, &identity, relink).await
    })
    .await
}

/// Links a Slack user to `user_id` in this tenant (whose workspace it must be: 404
/// otherwise). Already linked to the same user: refreshes the Slack name and email and
/// answers the same link. Linked to someone else: 409, or moved with `Relink::TakeOver`.
pub async fn link(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    identity: &SlackIdentity,
    relink: Relink,
) -> DomainResult<LinkRecord> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let now = roster_core::time::now();
        let enterprise_id = identity.enterprise_id.as_ref().map(|e| e.as_str());
        let inserted: Option<LinkRecord> = diesel::insert_into(slack_user_links::table)
            .values((
                slack_user_links::org_id.eq(org_id),
                slack_user_links::id.eq(SlackLinkId::generate()),
                slack_user_links::team_id.eq(identity.team_id.as_str()),
                slack_user_links::slack_user_id.eq(identity.user_id.as_str()),
                slack_user_links::user_id.eq(user_id),
                slack_user_links::enterprise_id.eq(enterprise_id),
                slack_user_links::slack_username.eq(&identity.username),
                slack_user_links::slack_email.eq(&identity.email),
                slack_user_links::linked_at.eq(now),
            ))
            .on_conflict((
                slack_user_links::org_id,
                slack_user_links::team_id,
                slack_user_links::slack_user_id,
            ))
            .do_nothing()
            .returning(LinkRecord::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(|e| match violated_constraint(&e) {
                Some("slack_user_links_workspace_fkey") => DomainError::not_found("slack_workspace"),
                Some("slack_user_links_user_fkey") => DomainError::not_found("user"),
                _ => e.into(),
            })?;
        if let Some(created) = inserted {
            sync_integrations(conn, org_id, vec![user_id.clone()]).await?;
            events::link(conn, EventType::SlackUserLinked, &created).await?;
            return Ok(created);
        }
        // Linked already: decide under the row's lock.
        let existing: LinkRecord = slack_user_links::table
            .filter(slack_user_links::org_id.eq(org_id))
            .filter(slack_user_links::team_id.eq(identity.team_id.as_str()))
            .filter(slack_user_links::slack_user_id.eq(identity.user_id.as_str()))
            .select(LinkRecord::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| {
                DomainError::unavailable("the link changed during the request; retry")
            })?;
        let same_user = existing.user_id == *user_id;
        if !same_user && relink == Relink::Refuse {
            return Err(DomainError::conflict(
                "slack_user_linked",
                "this Slack user is already linked to another person; send \"takeOver\": true to move the link to you",
            )
            .on_field("token", "Slack user already linked"));
        }
        // A new person holding the link starts it afresh.
        let (linked_at, last_used_at) = if same_user {
            (existing.linked_at, existing.last_used_at)
        } else {
            (now, None)
        };
        let updated: LinkRecord =
            diesel::update(slack_user_links::table.find((org_id, &existing.id)))
                .set((
                    slack_user_links::user_id.eq(user_id),
                    slack_user_links::slack_username
                        .eq(identity.username.as_ref().or(existing.slack_username.as_ref())),
                    slack_user_links::slack_email
                        .eq(identity.email.as_ref().or(existing.slack_email.as_ref())),
                    slack_user_links::enterprise_id
                        .eq(enterprise_id.or(existing.enterprise_id.as_deref())),
                    slack_user_links::linked_at.eq(linked_at),
                    slack_user_links::last_used_at.eq(last_used_at),
                ))
                .returning(LinkRecord::as_returning())
                .get_result(conn)
                .await?;
        let mut affected = vec![user_id.clone()];
        let kind = if same_user {
            EventType::SlackUserLinked
        } else {
            affected.push(existing.user_id);
            EventType::SlackLinkTakenOver
        };
        sync_integrations(conn, org_id, affected).await?;
        events::link(conn, kind, &updated).await?;
        Ok(updated)
    })
    .await
}

/// Removes links and returns them; none matching is a 404. A `Unlinker::OnlyUser` may
/// remove only their own links (403 otherwise).
pub async fn unlink(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    target: &Target,
    unlinker: &Unlinker,
) -> DomainResult<Vec<LinkRecord>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        if target.user_id.is_none() && (target.team_id.is_none() || target.slack_user_id.is_none())
        {
            return Err(DomainError::bad_request(
                "unlink_target_required",
                "name a Slack user (slackTeamId and slackUserId) or a user (userId)",
            ));
        }
        if let (Unlinker::OnlyUser(me), Some(user_id)) = (unlinker, &target.user_id) {
            if user_id != me {
                return Err(another_persons_link());
            }
        }
        let mut delete = diesel::delete(slack_user_links::table)
            .filter(slack_user_links::org_id.eq(org_id))
            .into_boxed();
        if let Some(team_id) = &target.team_id {
            delete = delete.filter(slack_user_links::team_id.eq(team_id.as_str()));
        }
        if let Some(slack_user_id) = &target.slack_user_id {
            delete = delete.filter(slack_user_links::slack_user_id.eq(slack_user_id.as_str()));
        }
        if let Some(user_id) = &target.user_id {
            delete = delete.filter(slack_user_links::user_id.eq(user_id));
        }
        let found: Vec<LinkRecord> = delete
            .returning(LinkRecord::as_returning())
            .get_results(conn)
            .await?;
        if found.is_empty() {
            return Err(DomainError::not_found("slack_link"));
        }
        // Rolled back with the transaction when the caller may not remove them all.
        if let Unlinker::OnlyUser(me) = unlinker {
            if found.iter().any(|l| l.user_id != *me) {
                return Err(another_persons_link());
            }
        }
        sync_integrations(
            conn,
            org_id,
            found.iter().map(|l| l.user_id.clone()).collect(),
        )
        .await?;
        for link in &found {
            roster_core::events::emit_removed(
                conn,
                org_id.as_str(),
                EventType::SlackUserUnlinked,
                link.id.as_str(),
            )
            .await?;
        }
        Ok(found)
    })
    .await
}

fn another_persons_link() -> DomainError {
    DomainError::forbidden(
        "admin_required",
        "only an AppAdmin may unlink another person's Slack account",
    )
}

/// Makes each user's `Slack` integration say whether they have a link. Serialised per
/// user (an advisory lock, taken in id order) so that concurrent links and unlinks of
/// one user cannot leave the two out of step.
pub(crate) async fn sync_integrations(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    mut users: Vec<UserId>,
) -> DomainResult<()> {
    users.sort();
    users.dedup();
    for user_id in users {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<Text, _>(format!("roster-slack-link:{org_id}:{user_id}"))
            .execute(conn)
            .await?;
        let linked: bool = diesel::select(diesel::dsl::exists(
            slack_user_links::table
                .filter(slack_user_links::org_id.eq(org_id))
                .filter(slack_user_links::user_id.eq(&user_id)),
        ))
        .get_result(conn)
        .await?;
        if linked {
            integrations::ensure(conn, org_id, &user_id, IntegrationType::Slack).await?;
        } else {
            integrations::remove_kind(conn, org_id, &user_id, IntegrationType::Slack).await?;
        }
    }
    Ok(())
}
