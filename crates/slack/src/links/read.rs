//! Reading links: one Slack user's (the bot's `link-status`, which records `last_used_at`),
//! a user's latest, a workspace's, and a user's Slack connection as its viewer may see it.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::users::{self, UserRecord};
use roster_identity::{OrgId, UserId};

use super::LinkRecord;
use crate::schema::slack_user_links;
use crate::{SlackUserId, TeamId};

/// How often a link's `last_used_at` may be written: reads stay reads on a busy bot.
const TOUCH_INTERVAL: time::Duration = time::Duration::minutes(1);

/// The link of a Slack user in this tenant, if any.
pub async fn find(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    slack_user_id: &SlackUserId,
) -> DomainResult<Option<LinkRecord>> {
    Ok(slack_user_links::table
        .filter(slack_user_links::org_id.eq(org_id))
        .filter(slack_user_links::team_id.eq(team_id.as_str()))
        .filter(slack_user_links::slack_user_id.eq(slack_user_id.as_str()))
        .select(LinkRecord::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The link of a Slack user, recorded as used now: `last_used_at` is written at most
/// once a minute per link, so a busy bot's reads stay reads: a link used within the
/// minute is answered from the read alone, and the write is conditional (two replicas
/// touching one link at once write it once).
pub async fn find_and_touch(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    slack_user_id: &SlackUserId,
) -> DomainResult<Option<LinkRecord>> {
    let Some(mut found) = find(conn, org_id, team_id, slack_user_id).await? else {
        return Ok(None);
    };
    let now = roster_core::time::now();
    let cutoff = now - TOUCH_INTERVAL;
    if found.last_used_at.is_some_and(|at| at >= cutoff) {
        return Ok(Some(found));
    }
    let touched: Option<Option<Timestamp>> = diesel::update(
        slack_user_links::table.find((org_id, &found.id)).filter(
            slack_user_links::last_used_at
                .is_null()
                .or(slack_user_links::last_used_at.lt(cutoff)),
        ),
    )
    .set(slack_user_links::last_used_at.eq(now))
    .returning(slack_user_links::last_used_at)
    .get_result(conn)
    .await
    .optional()?;
    if let Some(at) = touched {
        found.last_used_at = at;
    }
    Ok(Some(found))
}

/// A user's most recent link in this tenant, if any.
pub async fn latest_of_user(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
) -> DomainResult<Option<LinkRecord>> {
    Ok(slack_user_links::table
        .filter(slack_user_links::org_id.eq(org_id))
        .filter(slack_user_links::user_id.eq(user_id))
        .order((
            slack_user_links::linked_at.desc(),
            slack_user_links::id.desc(),
        ))
        .select(LinkRecord::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The links of a workspace, oldest first.
pub async fn of_team(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<Vec<LinkRecord>> {
    Ok(slack_user_links::table
        .filter(slack_user_links::org_id.eq(org_id))
        .filter(slack_user_links::team_id.eq(team_id.as_str()))
        .order((
            slack_user_links::linked_at.asc(),
            slack_user_links::id.asc(),
        ))
        .select(LinkRecord::as_select())
        .load(conn)
        .await?)
}

/// A user's Slack connection (its most recent link), as `by` may see it: its own, or
/// anyone's in the tenant for an AppAdmin (403 otherwise).
pub async fn connection_of(
    conn: &mut AsyncPgConnection,
    by: &Principal,
    user_id: &UserId,
) -> DomainResult<(UserRecord, Option<LinkRecord>)> {
    let user = if *user_id == by.user.id {
        by.user.clone()
    } else if by.is_admin() {
        users::get(conn, &by.user.org_id, user_id).await?
    } else {
        return Err(DomainError::forbidden(
            "admin_required",
            "only an AppAdmin may see another user's Slack connection",
        ));
    };
    let link = latest_of_user(conn, &user.org_id, &user.id).await?;
    Ok((user, link))
}

/// The users linked in a workspace (before it is removed).
pub(crate) async fn users_in_team(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<Vec<UserId>> {
    Ok(slack_user_links::table
        .filter(slack_user_links::org_id.eq(org_id))
        .filter(slack_user_links::team_id.eq(team_id.as_str()))
        .select(slack_user_links::user_id)
        .distinct()
        .load(conn)
        .await?)
}
