//! How each operation is called as tenant A: credentials by family, path parameters
//! filled with A's ids, and a valid query and body to make one value over-long in.

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use crate::platform::hardening::operations::Operation;
use crate::platform::hardening::tenants::World;

/// Who an operation is called as, by its family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    App,
    /// better-auth's account routes: A's owner's session, as a bearer.
    Account,
    Slack,
    External,
    Anonymous,
    Scim,
}

/// The `/api/auth` routes that need a session.
const ACCOUNT_ROUTES: [&str; 8] = [
    "/api/auth/organization/list",
    "/api/auth/organization/set-active",
    "/api/auth/change-password",
    "/api/auth/update-user",
    "/api/auth/list-sessions",
    "/api/auth/revoke-session",
    "/api/auth/revoke-sessions",
    "/api/auth/revoke-other-sessions",
];

pub fn family(path: &str) -> Family {
    if path.starts_with("/api/v1/app") {
        Family::App
    } else if ACCOUNT_ROUTES.contains(&path) {
        Family::Account
    } else if path.starts_with("/scim/v2") {
        Family::Scim
    } else if path == "/work-apps/slack/commands"
        || path.starts_with("/work-apps/slack/oauth_redirect")
        || path.starts_with("/work-apps/slack/connect")
        || path.starts_with("/api/auth")
    {
        Family::Anonymous
    } else if path.starts_with("/work-apps/slack") {
        Family::Slack
    } else {
        Family::External
    }
}

/// A request as tenant A for an operation of this family.
pub fn request(w: &World, method: &str, path: &str) -> RequestBuilder {
    let app = &w.slack.app;
    let a = &w.a;
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    match family(path) {
        Family::App => app.as_user(&a.admin.token, &a.slug, method, path),
        Family::Account => app.anon(method, path).bearer_auth(&a.session),
        Family::Slack => app.anon(method, path).bearer_auth(&a.admin.token),
        Family::External => app.external(&a.api_key, method, path),
        Family::Anonymous => app.anon(method, path),
        Family::Scim => app.anon(method, path).bearer_auth(&a.scim_token),
    }
}

/// The document's path with its parameters filled with ids of tenant A.
pub fn concrete(w: &World, path: &str) -> String {
    let a = &w.a;
    let project = format!("/project/{}", a.project_id);
    let user = format!("/user/{}", a.member_id);
    path.replace("/project/{id}", &project)
        .replace("/user/{id}", &user)
        .replace("{artifact_id}", &a.artifact_id)
        .replace("{user_id}", &a.member_id)
        .replace(
            "/workspaces/{id}",
            &format!("/workspaces/{}", a.workspace_id),
        )
        .replace("{key_id}", &a.api_key_id)
        .replace(
            "/scim-tokens/{id}",
            &format!("/scim-tokens/{}", a.scim_token_id),
        )
        .replace("/tokens/{id}", &format!("/tokens/{}", a.token_id))
        .replace("/Users/{id}", &format!("/Users/{}", a.member_id))
        .replace(
            "/integrations/{id}",
            &format!("/integrations/{}", a.integration_id),
        )
        .replace(
            "/external-users/{id}",
            &format!("/external-users/{}", a.external_user_id),
        )
        .replace("/channels/{id}", &format!("/channels/{}", a.channel_id))
        .replace("/tiers/{id}", &format!("/tiers/{}", a.tier_id))
        .replace(
            "/external-user-groups/{id}",
            &format!("/external-user-groups/{}", a.group_id),
        )
        .replace("/webhooks/{id}", &format!("/webhooks/{}", a.webhook_id))
        .replace("/groups/{id}", &format!("/groups/{}", a.org_group_id))
        .replace("{delivery_id}", &a.delivery_id)
        .replace("{teamId}", "T0NOSUCH")
}

/// A valid call of an operation as A: its query string and JSON body, from which one
/// string at a time is made over-long.
pub fn base(w: &World, op: &Operation) -> Option<(String, Value)> {
    let a = &w.a;
    let q = |s: &str| s.to_owned();
    Some(match (op.method.as_str(), op.path.as_str()) {
        ("post", "/api/auth/sign-up/email") => (
            q(""),
            json!({"email": "newcomer@acme.test", "password": "long enough pass", "name": "New"}),
        ),
        ("post", "/api/auth/send-verification-email") => (
            q(""),
            json!({"email": a.owner_email, "callbackURL": "/welcome"}),
        ),
        ("post", "/api/auth/request-password-reset") => (
            q(""),
            json!({"email": a.owner_email, "redirectTo": "/reset"}),
        ),
        ("post", "/api/auth/reset-password") => (
            q(""),
            json!({"newPassword": "long enough pass phrase", "token": "rlnk_made_up"}),
        ),
        ("get", "/api/auth/verify-email") => {
            (q("token=rlnk_made_up&callbackURL=/welcome"), Value::Null)
        }
        ("post", "/api/auth/sign-in/email") => (
            q(""),
            json!({"email": a.owner_email, "password": a.password}),
        ),
        ("post", "/api/auth/change-password") => (
            q(""),
            json!({"currentPassword": a.password, "newPassword": "long enough pass two"}),
        ),
        ("post", "/api/auth/update-user") => (q(""), json!({"name": "Renamed"})),
        ("post", "/api/auth/organization/set-active") => {
            (q(""), json!({"organizationId": a.org_id}))
        }
        ("post", "/api/auth/revoke-session") => (q(""), json!({"token": "ses_0000000000000000"})),
        ("get", "/api/v1/app/user") => (q("search=member"), Value::Null),
        ("post", "/api/v1/app/user") => (
            q(""),
            json!({"role": "AppMember", "user_info": {"email": "another@acme.test", "name": "Another"}}),
        ),
        ("put" | "patch", "/api/v1/app/user/{id}") => (q(""), json!({"name": "Renamed"})),
        ("post", "/api/v1/app/tokens") => (q(""), json!({"name": "limits"})),
        ("get", "/api/v1/app/groups") => (q("search=group"), Value::Null),
        ("post", "/api/v1/app/groups") => (
            q(""),
            json!({"display_name": "Limits", "external_id": "limits"}),
        ),
        ("patch", "/api/v1/app/groups/{id}") => (q(""), json!({})),
        ("post", "/api/v1/app/groups/{id}/members") => (q(""), json!({"user_id": a.owner_id})),
        ("post", "/api/v1/app/scim-tokens") => (q(""), json!({"name": "limits"})),
        ("post", "/api/v1/app/webhooks") => (q(""), json!({"url": "http://127.0.0.1:9/limits"})),
        ("patch", "/api/v1/app/webhooks/{id}") => (q(""), json!({})),
        ("post", "/api/v1/app/user/integrations") => (q(""), json!({"type": "Notion"})),
        ("post", "/api/v1/app/project") => (q(""), json!({"name": "Limits"})),
        ("put", "/api/v1/app/project/{id}") => (q(""), json!({})),
        ("post", "/api/v1/app/project/{id}/member") => {
            (q(""), json!({"user_id": a.owner_id, "role": "Viewer"}))
        }
        ("put", "/api/v1/app/project/{id}/member/{user_id}") => (q(""), json!({"role": "Editor"})),
        ("get", "/api/v1/app/project/{id}/artifact") => (q(""), Value::Null),
        ("post", "/api/v1/app/project/{id}/artifact") => {
            (q(""), json!({"name": "Limits", "type": "Document"}))
        }
        ("patch", "/api/v1/app/project/{id}/artifact/{artifact_id}") => (q(""), json!({})),
        ("post", "/api/v1/app/workspaces") | ("post", "/api/v1/app/workspaces/{id}/api-keys") => {
            (q(""), json!({"name": "Limits"}))
        }
        ("post", "/api/v1/external-users/authenticate") => (
            q(""),
            json!({"channelId": a.channel_id, "externalId": null, "id": null, "identifier": "limits@acme.test"}),
        ),
        ("get", "/api/v1/external-users") | ("get", "/api/v1/external-user-groups") => {
            (q(""), Value::Null)
        }
        ("post", "/api/v1/external-users") => (
            q(""),
            json!({"channelId": a.channel_id, "identifier": "limits2@acme.test"}),
        ),
        ("patch", "/api/v1/external-users/{id}")
        | ("patch", "/api/v1/external-user-groups/{id}") => (q(""), json!({})),
        ("post", "/api/v1/channels")
        | ("patch", "/api/v1/channels/{id}")
        | ("post", "/api/v1/tiers")
        | ("patch", "/api/v1/tiers/{id}")
        | ("post", "/api/v1/external-user-groups") => (q(""), json!({"name": "Limits"})),
        ("post", "/work-apps/slack/users/link/verify-token") => {
            (q(""), json!({"token": "x", "userId": a.admin.user_id}))
        }
        ("get", "/work-apps/slack/users/link-status") => (
            format!(
                "slackUserId=U0NOSUCH&slackTeamId={}&tenantId=acme",
                a.team_id
            ),
            Value::Null,
        ),
        ("get", "/work-apps/slack/users/status") => (
            format!("userId={}&tenantId=acme", a.admin.user_id),
            Value::Null,
        ),
        ("post", "/work-apps/slack/users/disconnect") => (q(""), json!({"tenantId": "acme"})),
        ("post", "/work-apps/slack/users/connect") => (
            q(""),
            json!({"userId": a.admin.user_id, "tenantId": "acme"}),
        ),
        ("get", "/work-apps/slack/workspaces")
        | ("delete", "/work-apps/slack/workspaces/{teamId}")
        | ("get", "/work-apps/slack/install") => (q("tenantId=acme"), Value::Null),
        ("post", "/work-apps/slack/workspaces") => (
            q(""),
            json!({"teamId": "T0LIMITS", "teamName": "Limits", "tenantId": "acme"}),
        ),
        // These need a browser that went through Slack: no base call is valid.
        ("get", "/work-apps/slack/oauth_redirect")
        | ("get", "/work-apps/slack/connect/callback") => (q("code=c&state=s"), Value::Null),
        ("get", "/work-apps/slack/connect") => (
            format!("tenantId={}&sessionToken={}", a.org_id, a.connect_token),
            Value::Null,
        ),
        _ => return None,
    })
}
