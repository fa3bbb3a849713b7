//! The org an account works in, as the account chose it (better-auth's organization
//! plugin: `organization/list`, `organization/set-active`).
//!
//! A new session opens in the org the account last chose (`accounts.active_org_id`), or,
//! when it has chosen none that it is still an active user of, in its only org if it has
//! exactly one (and that becomes its choice). Otherwise a session opens in no org: being
//! added to an org by someone else never moves the account's work there.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, Actor, ActorType, EventContext, EventType, NewEvent};
use roster_core::schema::StringSchema;
use roster_core::text::Text;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::{accounts, orgs, sessions, users};
use crate::{AccountId, OrgId, SessionId, UserState};

/// An org id or slug in a request.
const ORG_REF: Text = Text::new(1, 100);

fn nullable_org_ref() -> StringSchema {
    ORG_REF.schema().nullable()
}

/// An org as better-auth's organization plugin shows it.
#[roster_core::time::timestamps(millis)]
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub created_at: Timestamp,
    /// Always `null`: Roster keeps no logo.
    #[schema(value_type = Option<String>)]
    pub logo: Option<String>,
    /// Always `null`: Roster keeps no metadata.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
}

type OrgRow = (OrgId, String, String, Timestamp);

const ORG_COLUMNS: (orgs::id, orgs::name, orgs::slug, orgs::created_at) =
    (orgs::id, orgs::name, orgs::slug, orgs::created_at);

impl From<OrgRow> for Organization {
    fn from((id, name, slug, created_at): OrgRow) -> Self {
        Self {
            id,
            name,
            slug,
            created_at,
            logo: None,
            metadata: None,
        }
    }
}

/// `POST /api/auth/organization/set-active`: `organizationId` or `organizationSlug`;
/// `organizationId: null` clears the choice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetActiveOrganizationRequest {
    #[serde(default, deserialize_with = "roster_core::patch::nullable")]
    #[schema(schema_with = nullable_org_ref)]
    pub organization_id: Option<Option<String>>,
    /// `null` is taken as absent.
    #[serde(default)]
    #[schema(schema_with = nullable_org_ref)]
    pub organization_slug: Option<String>,
}

/// Which org to work in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgChoice {
    Id(String),
    Slug(String),
    /// No org: cookie requests then name theirs with `x-org`.
    None,
}

impl TryFrom<SetActiveOrganizationRequest> for OrgChoice {
    type Error = DomainError;

    fn try_from(r: SetActiveOrganizationRequest) -> Result<Self, DomainError> {
        match (r.organization_id, r.organization_slug) {
            (Some(Some(_)), Some(_)) => Err(DomainError::invalid(
                "organizationSlug",
                "send organizationId or organizationSlug, not both",
            )),
            (Some(Some(id)), None) => Ok(Self::Id(ORG_REF.parse("organizationId", &id)?)),
            (_, Some(slug)) => Ok(Self::Slug(ORG_REF.parse("organizationSlug", &slug)?)),
            (Some(None), None) => Ok(Self::None),
            (None, None) => Err(DomainError::invalid(
                "organizationId",
                "send organizationId (null to clear) or organizationSlug",
            )),
        }
    }
}

/// The orgs where the account is an active user, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
) -> DomainResult<Vec<Organization>> {
    let rows: Vec<OrgRow> = users::table
        .inner_join(orgs::table)
        .filter(users::account_id.eq(account_id))
        .filter(users::state.eq(UserState::Active))
        .order((orgs::created_at.asc(), orgs::id.asc()))
        .select(ORG_COLUMNS)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(Organization::from).collect())
}

/// Makes `choice` the account's org, and the session's (when the caller used one).
/// An org where the account is not a user (or no such org) is a 404, one where its user
/// is deactivated a 403. Returns the org chosen (`None` when cleared).
pub async fn set_active(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    session_id: Option<&SessionId>,
    choice: OrgChoice,
) -> DomainResult<Option<Organization>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let org = match choice {
            OrgChoice::None => None,
            OrgChoice::Id(id) => Some(membership(conn, account_id, OrgRef::Id(id)).await?),
            OrgChoice::Slug(slug) => Some(membership(conn, account_id, OrgRef::Slug(slug)).await?),
        };
        let org_id = org.as_ref().map(|o| o.id.clone());
        diesel::update(accounts::table.find(account_id))
            .set(accounts::active_org_id.eq(&org_id))
            .execute(conn)
            .await?;
        if let Some(session_id) = session_id {
            diesel::update(
                sessions::table
                    .find(session_id)
                    .filter(sessions::account_id.eq(account_id)),
            )
            .set(sessions::active_org_id.eq(&org_id))
            .execute(conn)
            .await?;
        }
        // In the org chosen, with the account's user there as the actor, as for any
        // request of a user of an org; clearing the choice is an event of no org.
        let data = serde_json::json!({ "id": account_id, "active_org_id": org_id });
        let kind = EventType::AccountActiveOrgChanged;
        let event = match &org_id {
            Some(chosen) => {
                let user_id: crate::UserId = users::table
                    .filter(users::org_id.eq(chosen))
                    .filter(users::account_id.eq(account_id))
                    .select(users::id)
                    .first(conn)
                    .await?;
                let context = EventContext {
                    actor: Actor::new(ActorType::User, user_id.as_str()),
                    ..EventContext::current()
                };
                let target = account_id.as_str();
                NewEvent::in_context(chosen.as_str(), kind, target, &data, context)?
            }
            None => NewEvent::in_org_or_none(None, kind, account_id.as_str(), &data)?,
        };
        events::emit(conn, event).await?;
        Ok(org)
    })
    .await
}

/// The org `choice` names (an id or a slug) where the account is an active user.
async fn membership(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    org_ref: OrgRef,
) -> DomainResult<Organization> {
    let query = users::table
        .inner_join(orgs::table)
        .filter(users::account_id.eq(account_id))
        .select((ORG_COLUMNS, users::state))
        .into_boxed();
    let query = match org_ref {
        OrgRef::Id(id) => query.filter(orgs::id.eq(id)),
        OrgRef::Slug(slug) => query.filter(orgs::slug.eq(slug)),
    };
    let found: Option<(OrgRow, UserState)> = query.first(conn).await.optional()?;
    match found {
        Some((org, UserState::Active)) => Ok(org.into()),
        Some(_) => Err(DomainError::forbidden(
            "user_inactive",
            "your user in this org is deactivated",
        )),
        None => Err(DomainError::not_found("org")),
    }
}

enum OrgRef {
    Id(String),
    Slug(String),
}

/// The org a new session of the account opens in: its choice if it is still an active
/// user there, else its only org when it has exactly one (which becomes its choice),
/// else none.
pub(crate) async fn for_new_session(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
) -> DomainResult<Option<OrgId>> {
    let active_orgs = || {
        users::table
            .filter(users::account_id.eq(account_id))
            .filter(users::state.eq(UserState::Active))
            .select(users::org_id)
    };
    let chosen: Option<OrgId> = accounts::table
        .find(account_id)
        .select(accounts::active_org_id)
        .first(conn)
        .await
        .optional()?
        .flatten();
    if let Some(chosen) = chosen {
        let still: Option<OrgId> = active_orgs()
            .filter(users::org_id.eq(&chosen))
            .first(conn)
            .await
            .optional()?;
        if still.is_some() {
            return Ok(Some(chosen));
        }
    }
    let mut orgs: Vec<OrgId> = active_orgs().limit(2).load(conn).await?;
    if orgs.len() != 1 {
        return Ok(None);
    }
    let only = orgs.pop();
    diesel::update(accounts::table.find(account_id))
        .set(accounts::active_org_id.eq(&only))
        .execute(conn)
        .await?;
    Ok(only)
}
