//! Slack user linking (`/work-apps/slack`), compatible with Inkeep's work-apps Slack API.
//! Callers authenticate with a bearer token or the session cookie, and name their tenant
//! in the request (`tenantId`, else the `x-org` header) or through the token they redeem.

pub mod commands;
pub mod oauth;
pub mod slack_workspaces;
pub mod users;

use roster_core::db::AsyncPgConnection;
use roster_core::DomainError;
use roster_identity::auth::{self, Principal};
use roster_slack::slack_api::SlackApp;

use super::{Family, Table};
use crate::auth::{Caller, MAX_ORG_REF};
use crate::error::ApiResult;
use crate::state::AppState;

pub const FAMILY: Family = Family {
    scope: "/work-apps/slack",
    shape: None,
    // Its one create (a Slack workspace) is registered once per team, as Slack installs it.
    idempotency: None,
};

pub fn register(t: &mut Table) {
    use commands::*;
    use oauth::*;
    use slack_workspaces::*;
    use users::*;
    t.add(__path_verify_token, verify_token)
        .add(__path_link_status, link_status)
        .add(__path_status, status)
        .add(__path_disconnect, disconnect)
        .add(__path_create_connect_session, create_connect_session)
        .secret();
    t.add(__path_register_workspace, register_workspace)
        .add(__path_list_workspaces, list_workspaces)
        .add(__path_remove_workspace, remove_workspace)
        .add(__path_linked_users, linked_users);
    // The `link` command answers with a link token.
    t.add(__path_slash_command, slash_command).secret();
    t.add(__path_install, install)
        .secret()
        .add(__path_oauth_redirect, oauth_redirect)
        .secret()
        .add(__path_start_connect, start_connect)
        .secret()
        .add(__path_connect_callback, connect_callback)
        .secret();
}

/// The tenant a request is about: the `tenantId` it names, else its `x-org` header, else
/// the session's active org, else the org `default` (as Inkeep's API defaults it).
pub fn tenant_ref(explicit: Option<&str>, caller: &Caller) -> String {
    resolve_tenant(explicit, caller).0
}

/// The tenant, and where it came from in words for a 403 (which names the org without
/// echoing the request's own input back).
fn resolve_tenant(explicit: Option<&str>, caller: &Caller) -> (String, String) {
    if let Some(named) = explicit.map(str::trim).filter(|t| !t.is_empty()) {
        return (named.to_owned(), "the org named by tenantId".into());
    }
    if let Some(named) = &caller.1 {
        return (named.clone(), "the org named by the x-org header".into());
    }
    let session_org = caller
        .0
        .session
        .as_ref()
        .and_then(|s| s.active_org_id.as_ref())
        .map(ToString::to_string);
    match session_org {
        Some(org) => (org.clone(), format!("the session's active org, {org}")),
        None => (
            "default".into(),
            "the org `default`, as neither tenantId, x-org nor a session named one".into(),
        ),
    }
}

/// The caller as an active user of the tenant: 403 otherwise (or when there is no such org),
/// saying which org was resolved. A `tenantId` too long to be an org slug or id is a 400.
/// Served from the principal cache as the App family's callers are (see principals.rs: any
/// change to the user ends its entry on every replica).
pub async fn member(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    tenant: Option<&str>,
) -> ApiResult<Principal> {
    if tenant.is_some_and(|t| t.trim().len() > MAX_ORG_REF) {
        return Err(DomainError::invalid("tenantId", "must be an org slug or id").into());
    }
    let (tenant, source) = resolve_tenant(tenant, caller);
    let principal = state
        .principals
        .get_or_load(&caller.0.account_id, Some(&tenant), || {
            auth::principal(conn, &caller.0, Some(&tenant))
        })
        .await
        .map_err(|e| match e {
            DomainError::Forbidden { code, detail } => DomainError::Forbidden {
                detail: format!("{detail} (resolved: {source})"),
                code,
            },
            other => other,
        })?;
    crate::auth::name_actor(&principal);
    Ok(principal)
}

/// The Slack app's OAuth settings: 503 with a clear message when they are not set.
pub fn slack_app(state: &AppState) -> ApiResult<SlackApp<'_>> {
    let slack = &state.config.slack;
    let (client_id, client_secret) = slack.oauth().ok_or_else(|| {
        DomainError::unavailable(
            "Slack OAuth is not configured on this server: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
        )
    })?;
    Ok(SlackApp {
        api_base_url: &slack.api_base_url,
        client_id,
        client_secret,
    })
}

/// `ROSTER_PUBLIC_URL` without a trailing slash.
pub fn public_url(state: &AppState) -> &str {
    state.config.public_url.trim_end_matches('/')
}

pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
