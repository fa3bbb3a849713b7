//! How to call each mutating operation once successfully (with its prerequisites made
//! first) and once in a way that fails, and which events the success writes.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Workspace};
use serde_json::{json, Value};

use crate::slack::Slack;

/// A well-formed id that names nothing, by prefix.
fn nothing(prefix: &str) -> String {
    format!("{prefix}_00000000000000ff")
}

/// A well-formed UUID that names nothing (the external family's ids).
const NO_UUID: &str = "00000000-0000-4000-8000-0000000000ff";

/// One operation's calls: `ok` writes `events` (any order) as `actor`; `fail` answers
/// `fail_as` (status, problem code) and writes nothing.
pub struct Recipe {
    pub ok: RequestBuilder,
    pub ok_status: u16,
    pub events: &'static [&'static str],
    pub actor: Option<&'static str>,
    pub fail: RequestBuilder,
    pub fail_as: (u16, Option<&'static str>),
}

/// What the recipes share: the org `acme` of a Slack-configured gateway, with a
/// project, a member, a webhook endpoint, a Slack workspace with a link, and an
/// external-users workspace with a channel and an external user.
pub struct Fixture<'a> {
    pub slack: &'a Slack,
    project: String,
    member: String,
    owner_email: String,
    password: String,
    webhook: String,
    delivery: String,
    team: String,
    ws: Workspace,
    channel: String,
}

const PASSWORD: &str = "events long pass phrase 42";

impl<'a> Fixture<'a> {
    pub async fn new(slack: &'a Slack) -> Self {
        let app = &slack.app;
        let admin = |m, p: &str| app.admin(m, p);
        let project = admin(Method::POST, "/api/v1/app/project")
            .json(&json!({"name": "Events"}))
            .created()
            .await;
        let member = app.create_user("member@acme.test", "AppMember").await;
        // A second admin with a password, to sign in with.
        let owner_email = "owner@acme.test".to_owned();
        let signed_up = app
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&json!({"email": owner_email, "password": PASSWORD, "name": "Owner"}))
            .ok()
            .await;
        // Verified, or the admin's add would reclaim the account (docs/security.md).
        app.verify_email(&owner_email).await;
        admin(Method::POST, "/api/v1/app/user")
            .json(
                &json!({"account_id": signed_up["user"]["id"], "role": "AppAdmin",
                "user_info": {"email": owner_email, "name": "Owner"}}),
            )
            .created()
            .await;
        let webhook = admin(Method::POST, "/api/v1/app/webhooks")
            .json(&json!({"url": "http://127.0.0.1:9/hook", "events": ["webhook.test"]}))
            .created()
            .await;
        let webhook = str_of(&webhook, "id");
        let test = admin(
            Method::POST,
            &format!("/api/v1/app/webhooks/{webhook}/test"),
        )
        .status(202)
        .await;
        assert!(test.json()["event_id"].is_string(), "{test}");
        let deliveries = admin(
            Method::GET,
            &format!("/api/v1/app/webhooks/{webhook}/deliveries"),
        )
        .ok()
        .await;
        let delivery = str_of(&deliveries["data"][0], "id");
        let team = "T0EVENTS".to_owned();
        slack.register(&team, "Events Team").await;
        let ws = app.workspace().await;
        let channel = app.channel(&ws.api_key, "Events channel").await;
        Self {
            slack,
            project: str_of(&project, "id"),
            member: str_of(&member, "id"),
            owner_email,
            password: PASSWORD.to_owned(),
            webhook,
            delivery,
            team,
            ws,
            channel,
        }
    }

    fn app(&self, method: Method, path: &str) -> RequestBuilder {
        self.slack.app.admin(method, &format!("/api/v1/app{path}"))
    }

    fn ext(&self, method: Method, path: &str) -> RequestBuilder {
        self.slack
            .app
            .external(&self.ws.api_key, method, &format!("/api/v1{path}"))
    }

    fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.slack.app.anon(method, path)
    }

    /// Creates with `POST /api/v1/app{path}` and returns the new id.
    async fn made(&self, path: &str, body: Value) -> String {
        str_of(
            &self.app(Method::POST, path).json(&body).created().await,
            "id",
        )
    }

    /// Creates with `POST /api/v1{path}` of the external family and returns the new id.
    async fn made_ext(&self, path: &str, body: Value) -> String {
        str_of(&self.ext(Method::POST, path).json(&body).ok().await, "id")
    }

    async fn new_project(&self) -> String {
        self.made("/project", json!({"name": "Spare"})).await
    }

    async fn new_user(&self, email: &str) -> String {
        str_of(&self.slack.app.create_user(email, "AppMember").await, "id")
    }
}

fn str_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

fn recipe_of(
    ok: RequestBuilder,
    ok_status: u16,
    events: &'static [&'static str],
    fail: RequestBuilder,
    fail_as: (u16, Option<&'static str>),
) -> Option<Recipe> {
    Some(Recipe {
        ok,
        ok_status,
        events,
        actor: None,
        fail,
        fail_as,
    })
}

/// The recipe of an operation, by `operationId`; `None` when it has none.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let p = &f.project;
    let recipe = match operation {
        "sign_in" => recipe_of(
            f.anon(M::POST, "/api/auth/sign-in/email")
                .json(&json!({"email": f.owner_email, "password": f.password})),
            200,
            &["session.created"],
            f.anon(M::POST, "/api/auth/sign-in/email")
                .json(&json!({"email": f.owner_email, "password": "not the password"})),
            (401, Some("INVALID_EMAIL_OR_PASSWORD")),
        ),
        "sign_out" => {
            let signed_in = f
                .anon(M::POST, "/api/auth/sign-in/email")
                .json(&json!({"email": f.owner_email, "password": f.password}))
                .ok()
                .await;
            let token = str_of(&signed_in, "token");
            recipe_of(
                f.anon(M::POST, "/api/auth/sign-out").bearer_auth(&token),
                200,
                &["session.revoked"],
                // The session is gone: signing out again ends nothing.
                f.anon(M::POST, "/api/auth/sign-out").bearer_auth(&token),
                (200, None),
            )
        }
        // A new account belongs to no org: no audit log records it (docs/events.md).
        "sign_up" => {
            let body = json!({"email": "newcomer@acme.test", "password": PASSWORD, "name": "New"});
            recipe_of(
                f.anon(M::POST, "/api/auth/sign-up/email").json(&body),
                200,
                &[],
                f.anon(M::POST, "/api/auth/sign-up/email").json(&body),
                (422, Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")),
            )
        }
        "set_active_organization" => recipe_of(
            f.slack
                .app
                .admin(M::POST, "/api/auth/organization/set-active")
                .json(&json!({"organizationSlug": "acme"})),
            200,
            &["account.active_org_changed"],
            f.slack
                .app
                .admin(M::POST, "/api/auth/organization/set-active")
                .json(&json!({"organizationSlug": "nowhere"})),
            (404, None),
        ),
        "create_project" => recipe_of(
            f.app(M::POST, "/project").json(&json!({"name": "Fresh"})),
            201,
            &["project.created"],
            f.app(M::POST, "/project").json(&json!({"name": ""})),
            (400, Some("validation_failed")),
        ),
        "update_project" => recipe_of(
            f.app(M::PUT, &format!("/project/{p}"))
                .json(&json!({"goal": "Trends"})),
            200,
            &["project.updated"],
            f.app(M::PUT, &format!("/project/{}", nothing("proj")))
                .json(&json!({"goal": "Trends"})),
            (404, Some("project_not_found")),
        ),
        "delete_project" => {
            let spare = f.new_project().await;
            recipe_of(
                f.app(M::DELETE, &format!("/project/{spare}")),
                204,
                &["project.deleted"],
                f.app(M::DELETE, &format!("/project/{spare}")),
                (404, Some("project_not_found")),
            )
        }
        "create_artifact" => {
            let body = json!({"name": "Report", "type": "Document"});
            recipe_of(
                f.app(M::POST, &format!("/project/{p}/artifact"))
                    .json(&body),
                201,
                &["artifact.created"],
                f.app(M::POST, &format!("/project/{}/artifact", nothing("proj")))
                    .json(&body),
                (404, Some("project_not_found")),
            )
        }
        "update_artifact" | "delete_artifact" => {
            let artifact = f
                .made(
                    &format!("/project/{p}/artifact"),
                    json!({"name": "Draft", "type": "Document"}),
                )
                .await;
            let path = format!("/project/{p}/artifact/{artifact}");
            if operation == "update_artifact" {
                let gone = format!("/project/{p}/artifact/{}", nothing("artifact"));
                recipe_of(
                    f.app(M::PATCH, &path).json(&json!({"name": "Final"})),
                    200,
                    &["artifact.updated"],
                    f.app(M::PATCH, &gone).json(&json!({"name": "Final"})),
                    (404, Some("artifact_not_found")),
                )
            } else {
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["artifact.deleted"],
                    f.app(M::DELETE, &path),
                    (404, Some("artifact_not_found")),
                )
            }
        }
        "add_member" => {
            let user = f.new_user("joiner@acme.test").await;
            let body = json!({"user_id": user, "role": "Viewer"});
            recipe_of(
                f.app(M::POST, &format!("/project/{p}/member")).json(&body),
                201,
                &["project.member_added"],
                f.app(M::POST, &format!("/project/{p}/member")).json(&body),
                (409, Some("already_member")),
            )
        }
        "update_member" | "remove_member" => {
            let user = f.new_user(&format!("{operation}@acme.test")).await;
            f.app(M::POST, &format!("/project/{p}/member"))
                .json(&json!({"user_id": user, "role": "Viewer"}))
                .created()
                .await;
            let path = format!("/project/{p}/member/{user}");
            let gone = format!("/project/{p}/member/{}", f.member);
            if operation == "update_member" {
                recipe_of(
                    f.app(M::PUT, &path).json(&json!({"role": "Editor"})),
                    200,
                    &["project.member_updated"],
                    f.app(M::PUT, &gone).json(&json!({"role": "Editor"})),
                    (404, Some("member_not_found")),
                )
            } else {
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["project.member_removed"],
                    f.app(M::DELETE, &path),
                    (404, Some("member_not_found")),
                )
            }
        }
        "pin_project" => {
            let spare = f.new_project().await;
            recipe_of(
                f.app(M::POST, &format!("/project/{spare}/pin")),
                200,
                &["project.pinned"],
                f.app(M::POST, &format!("/project/{}/pin", nothing("proj"))),
                (404, Some("project_not_found")),
            )
        }
        "unpin_project" => {
            let spare = f.new_project().await;
            f.app(M::POST, &format!("/project/{spare}/pin")).ok().await;
            recipe_of(
                f.app(M::DELETE, &format!("/project/{spare}/pin")),
                204,
                &["project.unpinned"],
                f.app(M::DELETE, &format!("/project/{}/pin", nothing("proj"))),
                (404, Some("project_not_found")),
            )
        }
        "create_token" => recipe_of(
            f.app(M::POST, "/tokens").json(&json!({"name": "ci"})),
            201,
            &["token.created"],
            f.app(M::POST, "/tokens").json(&json!({"name": ""})),
            (400, Some("validation_failed")),
        ),
        "revoke_token" => {
            let token = f.made("/tokens", json!({"name": "short-lived"})).await;
            recipe_of(
                f.app(M::DELETE, &format!("/tokens/{token}")),
                204,
                &["token.revoked"],
                f.app(M::DELETE, &format!("/tokens/{token}")),
                (404, Some("token_not_found")),
            )
        }
        "create_user" => {
            let body = json!({"role": "AppMember",
                "user_info": {"email": "fresh@acme.test", "name": "Fresh"}});
            recipe_of(
                f.app(M::POST, "/user").json(&body),
                201,
                &["user.created"],
                f.app(M::POST, "/user").json(&body),
                (409, None),
            )
        }
        "update_user" => recipe_of(
            f.app(M::PUT, &format!("/user/{}", f.member))
                .json(&json!({"name": "Renamed"})),
            200,
            &["user.updated"],
            f.app(M::PUT, &format!("/user/{}", nothing("user")))
                .json(&json!({"name": "Renamed"})),
            (404, Some("user_not_found")),
        ),
        "deactivate_user" | "activate_user" => {
            let user = f.new_user(&format!("{operation}@acme.test")).await;
            let verb = operation.trim_end_matches("_user");
            if verb == "activate" {
                f.app(M::POST, &format!("/user/{user}/deactivate"))
                    .ok()
                    .await;
            }
            let events: &'static [&'static str] = match verb {
                "activate" => &["user.activated"],
                _ => &["user.deactivated"],
            };
            recipe_of(
                f.app(M::POST, &format!("/user/{user}/{verb}")),
                200,
                events,
                f.app(M::POST, &format!("/user/{}/{verb}", nothing("user"))),
                (404, Some("user_not_found")),
            )
        }
        "create_integration" => recipe_of(
            f.app(M::POST, "/user/integrations")
                .json(&json!({"type": "Notion"})),
            201,
            &["integration.created"],
            f.app(M::POST, "/user/integrations")
                .json(&json!({"type": "Notion"})),
            (409, Some("integration_exists")),
        ),
        "delete_integration" => {
            let id = f.made("/user/integrations", json!({"type": "Jira"})).await;
            recipe_of(
                f.app(M::DELETE, &format!("/user/integrations/{id}")),
                204,
                &["integration.deleted"],
                f.app(M::DELETE, &format!("/user/integrations/{id}")),
                (404, Some("integration_not_found")),
            )
        }
        _ => return later(f, operation).await,
    };
    recipe.map(|r| Recipe {
        actor: Some(match operation {
            "sign_up" | "sign_in" | "sign_out" => "system",
            _ => "user",
        }),
        ..r
    })
}

/// Webhooks, the external-users family and Slack.
async fn later(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let w = &f.webhook;
    let no_hook = nothing("whep");
    let (recipe, actor) = match operation {
        "create_webhook" => (
            recipe_of(
                f.app(M::POST, "/webhooks")
                    .json(&json!({"url": "http://127.0.0.1:9/other"})),
                201,
                &["webhook.created"],
                f.app(M::POST, "/webhooks").json(&json!({"url": "nope"})),
                (400, Some("validation_failed")),
            ),
            "user",
        ),
        "update_webhook" => (
            recipe_of(
                f.app(M::PATCH, &format!("/webhooks/{w}"))
                    .json(&json!({"description": "CRM"})),
                200,
                &["webhook.updated"],
                f.app(M::PATCH, &format!("/webhooks/{no_hook}"))
                    .json(&json!({"description": "CRM"})),
                (404, Some("webhook_not_found")),
            ),
            "user",
        ),
        "delete_webhook" => {
            let id = f
                .made("/webhooks", json!({"url": "http://127.0.0.1:9/gone"}))
                .await;
            (
                recipe_of(
                    f.app(M::DELETE, &format!("/webhooks/{id}")),
                    204,
                    &["webhook.deleted"],
                    f.app(M::DELETE, &format!("/webhooks/{id}")),
                    (404, Some("webhook_not_found")),
                ),
                "user",
            )
        }
        "rotate_webhook_secret" | "test_webhook" => {
            let (verb, status, events): (_, _, &'static [&'static str]) =
                match operation == "test_webhook" {
                    true => ("test", 202, &["webhook.test"]),
                    false => ("rotate-secret", 200, &["webhook.secret_rotated"]),
                };
            (
                recipe_of(
                    f.app(M::POST, &format!("/webhooks/{w}/{verb}")),
                    status,
                    events,
                    f.app(M::POST, &format!("/webhooks/{no_hook}/{verb}")),
                    (404, Some("webhook_not_found")),
                ),
                "user",
            )
        }
        // A retry sends a delivery again: it changes no resource and writes no event.
        "retry_delivery" => (
            recipe_of(
                f.app(
                    M::POST,
                    &format!("/webhooks/{w}/deliveries/{}/retry", f.delivery),
                ),
                202,
                &[],
                f.app(
                    M::POST,
                    &format!("/webhooks/{w}/deliveries/{}/retry", nothing("whdl")),
                ),
                (404, None),
            ),
            "user",
        ),
        "create_workspace" => (
            recipe_of(
                f.app(M::POST, "/workspaces").json(&json!({"name": "Shop"})),
                201,
                &["workspace.created"],
                f.app(M::POST, "/workspaces").json(&json!({"name": ""})),
                (400, Some("validation_failed")),
            ),
            "user",
        ),
        "create_api_key" | "revoke_api_key" => {
            let keys = format!("/workspaces/{}/api-keys", f.ws.id);
            let r = if operation == "create_api_key" {
                recipe_of(
                    f.app(M::POST, &keys).json(&json!({"name": "widget"})),
                    201,
                    &["api_key.created"],
                    f.app(M::POST, &format!("/workspaces/{NO_UUID}/api-keys"))
                        .json(&json!({"name": "widget"})),
                    (404, Some("workspace_not_found")),
                )
            } else {
                let key = f.made(&keys, json!({"name": "spare"})).await;
                recipe_of(
                    f.app(M::DELETE, &format!("{keys}/{key}")),
                    204,
                    &["api_key.revoked"],
                    f.app(M::DELETE, &format!("{keys}/{key}")),
                    (404, Some("api_key_not_found")),
                )
            };
            (r, "user")
        }
        _ => {
            return match external(f, operation).await {
                Some(r) => Some(r),
                None => slack(f, operation).await,
            }
        }
    };
    recipe.map(|r| Recipe {
        actor: Some(actor),
        ..r
    })
}

/// The external-users family, with a workspace API key.
async fn external(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let catalogue = |family: &str| match family {
        "channel" => ("/channels", "channel"),
        "tier" => ("/tiers", "tier"),
        _ => ("/external-user-groups", "external_user_group"),
    };
    let (verb, family) = operation.split_once('_')?;
    let recipe = match (verb, family) {
        ("create" | "update" | "delete", "channel" | "tier" | "group") => {
            let (path, _) = catalogue(family);
            let events: &'static [&'static str] = match (verb, family) {
                ("create", "channel") => &["channel.created"],
                ("update", "channel") => &["channel.updated"],
                ("delete", "channel") => &["channel.deleted"],
                ("create", "tier") => &["tier.created"],
                ("update", "tier") => &["tier.updated"],
                ("delete", "tier") => &["tier.deleted"],
                ("create", _) => &["external_user_group.created"],
                ("update", _) => &["external_user_group.updated"],
                _ => &["external_user_group.deleted"],
            };
            let not_found = match family {
                "group" => "external_user_group_not_found",
                "tier" => "tier_not_found",
                _ => "channel_not_found",
            };
            match verb {
                "create" => recipe_of(
                    f.ext(M::POST, path).json(&json!({"name": "Fresh entry"})),
                    200,
                    events,
                    f.ext(M::POST, path).json(&json!({"name": ""})),
                    (400, None),
                ),
                _ => {
                    let id = f.made_ext(path, json!({"name": "Spare entry"})).await;
                    let entry = format!("{path}/{id}");
                    let gone = format!("{path}/{NO_UUID}");
                    if verb == "update" {
                        recipe_of(
                            f.ext(M::PATCH, &entry).json(&json!({"name": "Renamed"})),
                            200,
                            events,
                            f.ext(M::PATCH, &gone).json(&json!({"name": "Renamed"})),
                            (404, Some(not_found)),
                        )
                    } else {
                        recipe_of(
                            f.ext(M::DELETE, &entry),
                            204,
                            events,
                            f.ext(M::DELETE, &entry),
                            (404, Some(not_found)),
                        )
                    }
                }
            }
        }
        ("create" | "update", "external_user") => {
            let body = json!({"channelId": f.channel, "identifier": format!("{verb}@example.com")});
            if verb == "create" {
                recipe_of(
                    f.ext(M::POST, "/external-users").json(&body),
                    200,
                    &["external_user.created"],
                    f.ext(M::POST, "/external-users").json(&body),
                    (409, Some("identifier_taken")),
                )
            } else {
                let id = f.made_ext("/external-users", body).await;
                recipe_of(
                    f.ext(M::PATCH, &format!("/external-users/{id}"))
                        .json(&json!({"blocked": true})),
                    200,
                    &["external_user.blocked"],
                    f.ext(M::PATCH, &format!("/external-users/{NO_UUID}"))
                        .json(&json!({"blocked": true})),
                    (404, Some("external_user_not_found")),
                )
            }
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some("api_key"),
        ..r
    })
}

/// Authenticate (it creates the user it does not know) and the Slack family.
async fn slack(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let s = f.slack;
    let (recipe, actor) = match operation {
        "authenticate" => {
            let body = json!({"channelId": f.channel, "externalId": null, "id": null,
                "identifier": "visitor@example.com"});
            (
                recipe_of(
                    f.ext(M::POST, "/external-users/authenticate").json(&body),
                    200,
                    &["external_user.authenticated_created"],
                    // Known now: authenticate finds the user and writes nothing.
                    f.ext(M::POST, "/external-users/authenticate").json(&body),
                    (200, None),
                ),
                "api_key",
            )
        }
        "slash_command" => {
            s.link(
                &s.app.admin.token,
                &s.app.admin.user_id,
                &f.team,
                "U0UNLINK",
            )
            .await;
            (
                recipe_of(
                    s.command(&f.team, "U0UNLINK", "unlinker", "unlink"),
                    200,
                    &["slack.user_unlinked"],
                    // Not linked any more: the answer says so, and nothing changes.
                    s.command(&f.team, "U0UNLINK", "unlinker", "unlink"),
                    (200, None),
                ),
                "slack",
            )
        }
        "verify_token" => {
            let token = s.link_token(&f.team, "U0VERIFY", "verifier").await;
            let admin = &s.app.admin;
            (
                recipe_of(
                    s.verify(&admin.token, &token, &admin.user_id, false),
                    200,
                    &["slack.user_linked"],
                    s.verify(&admin.token, &token, &admin.user_id, false),
                    (400, Some("link_token_used")),
                ),
                "user",
            )
        }
        "disconnect" => {
            s.link(&s.app.admin.token, &s.app.admin.user_id, &f.team, "U0GONE")
                .await;
            let body = json!({"slackTeamId": f.team, "slackUserId": "U0GONE", "tenantId": "acme"});
            (
                recipe_of(
                    s.admin(M::POST, "/work-apps/slack/users/disconnect")
                        .json(&body),
                    200,
                    &["slack.user_unlinked"],
                    s.admin(M::POST, "/work-apps/slack/users/disconnect")
                        .json(&body),
                    (404, Some("slack_link_not_found")),
                ),
                "user",
            )
        }
        "create_connect_session" => {
            let admin = &s.app.admin;
            (
                recipe_of(
                    s.admin(M::POST, "/work-apps/slack/users/connect")
                        .json(&json!({"userId": admin.user_id, "tenantId": "acme"})),
                    200,
                    &["slack.connect_started"],
                    s.admin(M::POST, "/work-apps/slack/users/connect")
                        .json(&json!({"userId": f.member, "tenantId": "acme"})),
                    (403, Some("not_your_user")),
                ),
                "user",
            )
        }
        "register_workspace" => {
            let body = json!({"teamId": "T0FRESH", "teamName": "Fresh", "tenantId": "acme"});
            (
                recipe_of(
                    s.admin(M::POST, "/work-apps/slack/workspaces").json(&body),
                    201,
                    &["slack.workspace_registered"],
                    s.admin(M::POST, "/work-apps/slack/workspaces").json(&body),
                    (409, Some("slack_team_taken")),
                ),
                "user",
            )
        }
        "remove_workspace" => {
            s.register("T0SPARE", "Spare").await;
            let path = "/work-apps/slack/workspaces/T0SPARE?tenantId=acme";
            (
                recipe_of(
                    s.admin(M::DELETE, path),
                    204,
                    &["slack.workspace_uninstalled"],
                    s.admin(M::DELETE, path),
                    (404, Some("slack_workspace_not_found")),
                ),
                "user",
            )
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some(actor),
        ..r
    })
}
