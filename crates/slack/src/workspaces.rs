//! Slack workspaces installed for a tenant: by OAuth (with a sealed bot token) or
//! registered by hand. One Slack team belongs to one tenant, which the primary key of
//! `slack_teams` decides. Any AppAdmin can register any team id by hand, so such a
//! registration stays unconfirmed until a signed request arrives from the team, and
//! until then an OAuth install by the team's owner, in any tenant, takes its place.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::db::OrNotFound;
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::{OrgId, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{slack_teams, slack_workspaces};
use crate::sealed::{self, BotTokenKey};
use crate::{events, links};
use crate::{EnterpriseId, TeamId};

/// A workspace as stored (the sealed bot token stays here).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = slack_workspaces, check_for_backend(diesel::pg::Pg))]
pub struct WorkspaceRecord {
    pub org_id: OrgId,
    pub team_id: String,
    pub team_name: String,
    pub enterprise_id: Option<String>,
    pub bot_user_id: Option<String>,
    pub bot_token_sealed: Option<Vec<u8>>,
    pub installed_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub confirmed: bool,
}

/// A workspace as the API shows it (never its bot token). `SlackWorkspace` in the OpenAPI
/// document, apart from the external family's `Workspace`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = SlackWorkspace)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    #[schema(example = "T0A1B2C3D")]
    pub team_id: String,
    #[schema(example = "Aurora Labs")]
    pub team_name: String,
    pub enterprise_id: Option<String>,
    /// The org the workspace belongs to (`org_…`).
    pub tenant_id: OrgId,
    /// Whether the app was installed by OAuth (Roster holds a bot token).
    pub has_bot_token: bool,
    pub bot_user_id: Option<String>,
    /// Whether the team is known to use this registration: installed by OAuth, or a
    /// request signed by Slack arrived from it. A registration by hand that is not
    /// confirmed gives way to an install by OAuth in any tenant.
    pub confirmed: bool,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub installed_at: Timestamp,
}

impl From<WorkspaceRecord> for Workspace {
    fn from(r: WorkspaceRecord) -> Self {
        Self {
            team_id: r.team_id,
            team_name: r.team_name,
            enterprise_id: r.enterprise_id,
            tenant_id: r.org_id,
            has_bot_token: r.bot_token_sealed.is_some(),
            bot_user_id: r.bot_user_id,
            confirmed: r.confirmed,
            installed_at: r.created_at,
        }
    }
}

/// A workspace to record for a tenant.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    pub team_id: TeamId,
    pub team_name: String,
    pub enterprise_id: Option<EnterpriseId>,
    pub installed_by: Option<UserId>,
}

/// The bot an OAuth install brought: its user and its token (sealed before it is stored).
pub struct Bot<'a> {
    pub user_id: Option<String>,
    pub token: &'a str,
}

impl std::fmt::Debug for Bot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

fn team_taken() -> DomainError {
    DomainError::conflict(
        "slack_team_taken",
        "this Slack workspace is already connected to a tenant",
    )
    .on_field("teamId", "already connected")
}

/// The tenant a Slack team belongs to, if it is installed anywhere.
pub async fn owner(conn: &mut AsyncPgConnection, team_id: &TeamId) -> DomainResult<Option<OrgId>> {
    Ok(slack_teams::table
        .find(team_id.as_str())
        .select(slack_teams::org_id)
        .first(conn)
        .await
        .optional()?)
}

/// A workspace of this tenant; another tenant's (or no one's) is a 404.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<WorkspaceRecord> {
    slack_workspaces::table
        .find((org_id, team_id.as_str()))
        .select(WorkspaceRecord::as_select())
        .first(conn)
        .await
        .or_not_found("slack_workspace")
}

/// Registers a workspace by hand (no OAuth, no bot token), unconfirmed. A team already
/// connected to any tenant, this one included, is a 409.
pub async fn register(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewWorkspace,
) -> DomainResult<Workspace> {
    let org_id = org_id.clone();
    conn.transaction::<_, DomainError, _>(async |conn| {
        diesel::insert_into(slack_teams::table)
            .values((
                slack_teams::team_id.eq(new.team_id.as_str()),
                slack_teams::org_id.eq(&org_id),
            ))
            .execute(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some("slack_teams_pkey") => team_taken(),
                _ => e.into(),
            })?;
        let now = roster_core::time::now();
        let record = diesel::insert_into(slack_workspaces::table)
            .values((
                slack_workspaces::org_id.eq(&org_id),
                slack_workspaces::team_id.eq(new.team_id.as_str()),
                slack_workspaces::team_name.eq(&new.team_name),
                slack_workspaces::enterprise_id.eq(new.enterprise_id.as_ref().map(|e| e.as_str())),
                slack_workspaces::installed_by.eq(&new.installed_by),
                slack_workspaces::created_at.eq(now),
                slack_workspaces::updated_at.eq(now),
                slack_workspaces::confirmed.eq(false),
            ))
            .returning(WorkspaceRecord::as_returning())
            .get_result(conn)
            .await?;
        let workspace = Workspace::from(record);
        events::workspace(conn, EventType::SlackWorkspaceRegistered, &workspace).await?;
        Ok(workspace)
    })
    .await
}

/// Marks a registration confirmed: a request signed by Slack came from its team.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let confirmed: Option<WorkspaceRecord> = diesel::update(
            slack_workspaces::table
                .find((org_id, team_id.as_str()))
                .filter(slack_workspaces::confirmed.eq(false)),
        )
        .set(slack_workspaces::confirmed.eq(true))
        .returning(WorkspaceRecord::as_returning())
        .get_result(conn)
        .await
        .optional()?;
        if let Some(record) = confirmed {
            let workspace = Workspace::from(record);
            events::workspace(conn, EventType::SlackWorkspaceConfirmed, &workspace).await?;
        }
        Ok(())
    })
    .await
}

/// Records an OAuth install, confirmed: creates the workspace, or refreshes its name and
/// bot when the tenant installs again. An unconfirmed registration by hand in another
/// tenant is removed first, with its links; a team another tenant confirmed is a 409.
pub async fn install(
    conn: &mut AsyncPgConnection,
    key: &BotTokenKey,
    org_id: &OrgId,
    new: NewWorkspace,
    bot: Bot<'_>,
) -> DomainResult<Workspace> {
    let org_id = org_id.clone();
    let token_sealed = sealed::seal(key, new.team_id.as_str(), bot.token)?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        diesel::insert_into(slack_teams::table)
            .values((
                slack_teams::team_id.eq(new.team_id.as_str()),
                slack_teams::org_id.eq(&org_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let owner: OrgId = slack_teams::table
            .find(new.team_id.as_str())
            .select(slack_teams::org_id)
            .for_update()
            .first(conn)
            .await?;
        if owner != org_id {
            let confirmed: Option<bool> = slack_workspaces::table
                .find((&owner, new.team_id.as_str()))
                .select(slack_workspaces::confirmed)
                .first(conn)
                .await
                .optional()?;
            if confirmed != Some(false) {
                return Err(team_taken());
            }
            disconnect(conn, &owner, &new.team_id).await?;
            diesel::insert_into(slack_teams::table)
                .values((
                    slack_teams::team_id.eq(new.team_id.as_str()),
                    slack_teams::org_id.eq(&org_id),
                ))
                .execute(conn)
                .await?;
        }
        let now = roster_core::time::now();
        let enterprise_id = new.enterprise_id.as_ref().map(|e| e.as_str());
        let record = diesel::insert_into(slack_workspaces::table)
            .values((
                slack_workspaces::org_id.eq(&org_id),
                slack_workspaces::team_id.eq(new.team_id.as_str()),
                slack_workspaces::team_name.eq(&new.team_name),
                slack_workspaces::enterprise_id.eq(enterprise_id),
                slack_workspaces::bot_user_id.eq(&bot.user_id),
                slack_workspaces::bot_token_sealed.eq(&token_sealed),
                slack_workspaces::installed_by.eq(&new.installed_by),
                slack_workspaces::created_at.eq(now),
                slack_workspaces::updated_at.eq(now),
                slack_workspaces::confirmed.eq(true),
            ))
            .on_conflict((slack_workspaces::org_id, slack_workspaces::team_id))
            .do_update()
            .set((
                slack_workspaces::team_name.eq(&new.team_name),
                slack_workspaces::enterprise_id.eq(enterprise_id),
                slack_workspaces::bot_user_id.eq(&bot.user_id),
                slack_workspaces::bot_token_sealed.eq(&token_sealed),
                slack_workspaces::installed_by.eq(&new.installed_by),
                slack_workspaces::updated_at.eq(now),
                slack_workspaces::confirmed.eq(true),
            ))
            .returning(WorkspaceRecord::as_returning())
            .get_result(conn)
            .await?;
        let workspace = Workspace::from(record);
        events::workspace(conn, EventType::SlackWorkspaceInstalled, &workspace).await?;
        Ok(workspace)
    })
    .await
}

/// The tenant's workspaces, oldest first.
pub async fn list(conn: &mut AsyncPgConnection, org_id: &OrgId) -> DomainResult<Vec<Workspace>> {
    Ok(slack_workspaces::table
        .filter(slack_workspaces::org_id.eq(org_id))
        .order((
            slack_workspaces::created_at.asc(),
            slack_workspaces::team_id.asc(),
        ))
        .select(WorkspaceRecord::as_select())
        .load(conn)
        .await?
        .into_iter()
        .map(Workspace::from)
        .collect())
}

/// Uninstalls a workspace: its links go with it (and the Slack integration of users
/// left without a link). Another tenant's or an unknown workspace is a 404.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<()> {
    let org_id = org_id.clone();
    conn.transaction::<_, DomainError, _>(async |conn| {
        if !disconnect(conn, &org_id, team_id).await? {
            return Err(DomainError::not_found("slack_workspace"));
        }
        Ok(())
    })
    .await
}

/// Removes a team from a tenant, with its links (and the Slack integration of users left
/// without a link); false when the tenant has no such team. Call it in a transaction.
async fn disconnect(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<bool> {
    let linked_users = links::users_in_team(conn, org_id, team_id).await?;
    // The route row cascades to the workspace, which cascades to its links.
    let n = diesel::delete(
        slack_teams::table
            .find(team_id.as_str())
            .filter(slack_teams::org_id.eq(org_id)),
    )
    .execute(conn)
    .await?;
    if n == 0 {
        return Ok(false);
    }
    links::sync_integrations(conn, org_id, linked_users).await?;
    events::workspace_removed(conn, org_id, team_id.as_str()).await?;
    Ok(true)
}

/// The workspace's bot token, opened (for calls to Slack as the bot).
pub async fn bot_token(
    conn: &mut AsyncPgConnection,
    key: &BotTokenKey,
    org_id: &OrgId,
    team_id: &TeamId,
) -> DomainResult<Option<String>> {
    let record = get(conn, org_id, team_id).await?;
    record
        .bot_token_sealed
        .map(|sealed| sealed::open(key, team_id.as_str(), &sealed))
        .transpose()
}
