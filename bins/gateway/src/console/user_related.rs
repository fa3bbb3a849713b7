//! What a user's page shows beside the user: their groups (and, for AppAdmins, those to
//! add them to), their Slack link, their integrations, one's own API tokens, and the
//! latest audit events about them; each read by the function of the matching API route.

use roster_core::events::audit;
use roster_core::feed::FeedRequest;
use roster_identity::groups::{self, GroupFilter};
use roster_identity::{integrations, tokens, UserId};
use roster_slack::links;

use super::page::{everything, when, ConsoleError};
use super::session::Console;
use super::user::EventRow;

/// A group, as a link.
pub struct GroupLink {
    pub id: String,
    pub name: String,
}

/// A line of a list: what, and since when.
pub struct Line {
    pub name: String,
    pub since: String,
}

/// The user's Slack link (their most recent one).
pub struct SlackLine {
    pub team_id: String,
    pub slack_user: String,
    pub linked: String,
}

pub struct Related {
    pub groups: Vec<GroupLink>,
    /// Groups the user is not in (AppAdmins may add them; the first 100 of the org).
    pub joinable: Vec<GroupLink>,
    pub slack: Option<SlackLine>,
    pub integrations: Vec<Line>,
    /// One's own tokens: only on one's own page.
    pub tokens: Option<Vec<Line>>,
    /// The audit log is the AppAdmins' (as `GET /api/v1/app/audit-events`).
    pub events: Option<Vec<EventRow>>,
}

impl Related {
    pub async fn of(console: &Console, id: &UserId) -> Result<Self, ConsoleError> {
        let fail = |e| console.fail(e);
        let org = console.org();
        let admin = console.principal.is_admin();
        let all = everything().map_err(|e| console.fail(e))?;
        let mut conn = console.state.conn().await?;
        let member_of = GroupFilter {
            member: Some(id.clone()),
            ..GroupFilter::default()
        };
        let link = |g: groups::Group| GroupLink {
            id: g.id.to_string(),
            name: g.display_name,
        };
        let groups: Vec<GroupLink> = groups::list(&mut conn, org, &member_of, &all)
            .await
            .map_err(fail)?
            .data
            .into_iter()
            .map(link)
            .collect();
        let joinable = match admin {
            false => Vec::new(),
            true => groups::list(&mut conn, org, &GroupFilter::default(), &all)
                .await
                .map_err(fail)?
                .data
                .into_iter()
                .map(link)
                .filter(|g| !groups.iter().any(|m| m.id == g.id))
                .collect(),
        };
        let (_, slack) = links::connection_of(&mut conn, &console.principal, id)
            .await
            .map_err(fail)?;
        let integrations = integrations::list(&mut conn, org, id)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|i| Line {
                name: i.kind.as_str().to_owned(),
                since: when(i.created_at),
            })
            .collect();
        let tokens = match *id == console.principal.user.id {
            false => None,
            true => Some(
                tokens::list(&mut conn, &console.principal.account_id, &all)
                    .await
                    .map_err(fail)?
                    .data
                    .into_iter()
                    .map(|t| Line {
                        name: t.name,
                        since: when(t.created_at),
                    })
                    .collect(),
            ),
        };
        let events = match admin {
            false => None,
            true => {
                let about = audit::AuditFilter::parse(&[], None, Some(id.as_str()), None, None)
                    .map_err(fail)?;
                let latest = FeedRequest::parse(Some(10), None).map_err(fail)?;
                let page = audit::list(&mut conn, Some(org.as_str()), &about, &latest)
                    .await
                    .map_err(fail)?;
                Some(page.data.into_iter().map(EventRow::from).collect())
            }
        };
        Ok(Self {
            groups,
            joinable,
            slack: slack.map(|l| SlackLine {
                team_id: l.team_id,
                slack_user: l.slack_username.unwrap_or(l.slack_user_id),
                linked: when(l.linked_at),
            }),
            integrations,
            tokens,
            events,
        })
    }
}
