//! Building one tenant over HTTP, as its admin would, remembering every string each answer
//! showed and every secret it was handed.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Admin, Expect};
use serde_json::{json, Value};

use super::{bot_token, collect, str_of, Tenant};
use crate::slack::{browser, state_of, Slack};

/// Builds one tenant, remembering what it saw.
struct Builder<'a> {
    slack: &'a Slack,
    slug: String,
    token: String,
    seen: BTreeSet<String>,
    secrets: BTreeMap<String, String>,
}

impl Builder<'_> {
    /// Sends, asserts the status and records every string of the JSON answer.
    async fn call(&mut self, req: RequestBuilder, want: u16) -> Value {
        let reply = req.status(want).await;
        let value: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
        collect(&value, &mut self.seen);
        value
    }

    fn app(&self, method: Method, path: &str) -> RequestBuilder {
        self.slack
            .app
            .as_user(&self.token, &self.slug, method, path)
    }

    fn slack(&self, method: Method, path: &str) -> RequestBuilder {
        self.slack.req(&self.token, method, path)
    }

    fn external(&self, key: &str, method: Method, path: &str) -> RequestBuilder {
        self.slack.app.external(key, method, path)
    }

    fn secret(&mut self, what: &str, value: &str) {
        self.secrets.insert(what.to_owned(), value.to_owned());
    }
}

/// Builds a tenant in its own org (bootstrapped unless `admin` is given), with Slack
/// team `team_id`, registered by hand or, with `oauth`, installed through the fake Slack.
pub async fn build(
    slack: &Slack,
    label: &str,
    admin: Option<Admin>,
    team_id: &str,
    oauth: bool,
) -> Tenant {
    let admin_email = format!("admin@{label}.test");
    let admin = match admin {
        Some(a) => a,
        None => slack.app.bootstrap(label, &admin_email).await,
    };
    let slug = admin.org_slug.clone();
    let title = format!("{}{}", label[..1].to_uppercase(), &label[1..]);
    let mut b = Builder {
        slack,
        slug: slug.clone(),
        token: admin.token.clone(),
        seen: BTreeSet::new(),
        secrets: BTreeMap::new(),
    };
    b.secret("bootstrap API token", &admin.token);
    b.seen.extend([
        admin.org_id.clone(),
        admin.user_id.clone(),
        admin.account_id.clone(),
    ]);

    // Users: a member, and a second admin who signs up with a password.
    let member_email = format!("member@{label}.test");
    let member = b
        .call(
            b.app(Method::POST, "/api/v1/app/user").json(&json!({
                "role": "AppMember",
                "user_info": {"email": member_email, "name": format!("{title} Member"),
                    "given_name": format!("{title}given"), "family_name": format!("{title}family")}
            })),
            201,
        )
        .await;
    let member_token = {
        let account =
            roster_identity::AccountId::parse(&str_of(&member, "account_id")).expect("account");
        let mut conn = slack.app.pool.get().await.unwrap();
        let org = roster_identity::OrgId::parse(&admin.org_id).expect("org");
        roster_identity::tokens::create(&mut conn, &org, &account, "member", None)
            .await
            .unwrap()
            .secret
    };
    b.secret("member API token", &member_token);
    let owner_email = format!("owner@{label}.test");
    let password = format!("{label} long pass phrase 42");
    let signed_up = b
        .call(
            slack
                .app
                .anon(Method::POST, "/api/auth/sign-up/email")
                .json(&json!({"email": owner_email, "password": password, "name": format!("{title} Owner")})),
            200,
        )
        .await;
    b.secret("password", &password);
    b.secret("sign-up session token", &str_of(&signed_up, "token"));
    let owner_account_id = str_of(&signed_up["user"], "id");
    // Its owner followed the verification link (else the admin's add reclaims it).
    slack.app.verify_email(&owner_email).await;
    let owner = b
        .call(
            b.app(Method::POST, "/api/v1/app/user").json(&json!({
                "account_id": owner_account_id, "role": "AppAdmin",
                "user_info": {"email": owner_email, "name": format!("{title} Owner")}
            })),
            201,
        )
        .await;
    let signed_in = b
        .call(
            slack
                .app
                .anon(Method::POST, "/api/auth/sign-in/email")
                .json(&json!({"email": owner_email, "password": password})),
            200,
        )
        .await;
    let session = str_of(&signed_in, "token");
    b.secret("session token", &session);

    // An API token made over HTTP.
    let token = b
        .call(
            b.app(Method::POST, "/api/v1/app/tokens")
                .json(&json!({"name": format!("{label} ci token"), "expires_in_days": 30})),
            201,
        )
        .await;
    b.secret("API token", &str_of(&token, "secret"));
    // A SCIM token, for /scim/v2.
    let scim_token = b
        .call(
            b.app(Method::POST, "/api/v1/app/scim-tokens")
                .json(&json!({"name": format!("{label} scim token")})),
            201,
        )
        .await;
    b.secret("SCIM token", &str_of(&scim_token, "token"));

    // A project with a member, a pin and an artifact; an integration.
    let project = b
        .call(
            b.app(Method::POST, "/api/v1/app/project").json(&json!({
                "name": format!("{title} Project"), "goal": format!("{title} goal"),
                "visibility": "Private"
            })),
            201,
        )
        .await;
    let project_id = str_of(&project, "id");
    b.call(
        b.app(
            Method::POST,
            &format!("/api/v1/app/project/{project_id}/member"),
        )
        .json(&json!({"user_id": str_of(&member, "id"), "role": "Editor"})),
        201,
    )
    .await;
    b.call(
        b.app(
            Method::POST,
            &format!("/api/v1/app/project/{project_id}/pin"),
        ),
        200,
    )
    .await;
    let artifact = b
        .call(
            b.app(
                Method::POST,
                &format!("/api/v1/app/project/{project_id}/artifact"),
            )
            .json(&json!({"name": format!("{title} Artifact"), "type": "Document"})),
            201,
        )
        .await;
    let integration = b
        .call(
            b.app(Method::POST, "/api/v1/app/user/integrations")
                .json(&json!({"type": "Confluence"})),
            201,
        )
        .await;

    // An org group with the member in it.
    let member_id = str_of(&member, "id");
    let org_group = b
        .call(
            b.app(Method::POST, "/api/v1/app/groups").json(&json!({
                "display_name": format!("{title} Group"),
                "external_id": format!("{label}-group-ext"),
                "members": [member_id],
            })),
            201,
        )
        .await;
    // A bulk import of one user (before the webhook: no deliveries of its events).
    let import = b
        .call(
            b.app(Method::POST, "/api/v1/app/user-imports")
                .body(format!("{{\"email\": \"imported@{label}.test\"}}\n")),
            202,
        )
        .await;
    let import_id = str_of(&import, "id");

    // A webhook endpoint (for every event: its own creation is its first delivery).
    let webhook = b
        .call(
            b.app(Method::POST, "/api/v1/app/webhooks").json(
                &json!({"url": "http://127.0.0.1:9/hook", "description": format!("{label} hooks")}),
            ),
            201,
        )
        .await;
    b.secret("webhook secret", &str_of(&webhook, "secret"));
    let webhook_id = str_of(&webhook, "id");
    let deliveries = b
        .call(
            b.app(
                Method::GET,
                &format!("/api/v1/app/webhooks/{webhook_id}/deliveries"),
            ),
            200,
        )
        .await;
    let delivery_id = str_of(&deliveries["data"][0], "id");

    // Slack: the workspace, a link, a spare link token, a connect session.
    let slack_user_id = format!("U0{}1", label.to_uppercase());
    if oauth {
        let start = browser();
        let state = state_of(
            &start
                .get(
                    slack
                        .app
                        .url(&format!("/work-apps/slack/install?tenantId={slug}")),
                )
                .bearer_auth(&admin.token)
                .redirect()
                .await,
        );
        let code = format!("{label}-install-code");
        let bot = bot_token(team_id);
        slack
            .fake
            .expect_install(&code, team_id, &format!("{title} Team"), &bot);
        b.secret("Slack bot token", &bot);
        let query =
            serde_urlencoded::to_string([("code", code.as_str()), ("state", &state)]).unwrap();
        b.call(
            start.get(
                slack
                    .app
                    .url(&format!("/work-apps/slack/oauth_redirect?{query}")),
            ),
            200,
        )
        .await;
    } else {
        b.call(
            b.slack(Method::POST, "/work-apps/slack/workspaces").json(
                &json!({"teamId": team_id, "teamName": format!("{title} Team"), "tenantId": slug}),
            ),
            201,
        )
        .await;
    }
    let link_token = slack
        .link_token(team_id, &slack_user_id, &format!("{label}-slacker"))
        .await;
    b.secret("link token", &link_token);
    b.call(
        b.slack(Method::POST, "/work-apps/slack/users/link/verify-token")
            .json(&json!({"token": link_token, "userId": admin.user_id})),
        200,
    )
    .await;
    let spare_link_token = slack
        .link_token(
            team_id,
            &format!("U0{}2", label.to_uppercase()),
            &format!("{label}-spare"),
        )
        .await;
    b.secret("spare link token", &spare_link_token);
    let connect = b
        .call(
            b.slack(Method::POST, "/work-apps/slack/users/connect")
                .json(&json!({"userId": admin.user_id, "tenantId": slug})),
            200,
        )
        .await;
    let connect_token = str_of(&connect, "sessionToken");
    b.secret("connect session token", &connect_token);
    let connect_url = str_of(&connect, "connectUrl");
    let path = connect_url
        .strip_prefix(&slack.app.config.public_url)
        .unwrap()
        .to_owned();
    let connect_state = state_of(&browser().get(slack.app.url(&path)).redirect().await);
    let install_state = state_of(
        &browser()
            .get(
                slack
                    .app
                    .url(&format!("/work-apps/slack/install?tenantId={slug}")),
            )
            .bearer_auth(&admin.token)
            .redirect()
            .await,
    );

    // External users: workspace, API key, channel, tier, group, user, access token.
    let workspace = slack.app.workspace_of(&admin).await;
    b.seen.insert(workspace.id.clone());
    b.secret("external API key", &workspace.api_key);
    let keys = b
        .call(
            b.app(
                Method::GET,
                &format!("/api/v1/app/workspaces/{}/api-keys", workspace.id),
            ),
            200,
        )
        .await;
    let api_key_id = str_of(&keys["data"][0], "id");
    let key = workspace.api_key.clone();
    let channel = b
        .call(
            b.external(&key, Method::POST, "/api/v1/channels")
                .json(&json!({"name": format!("{title} Channel")})),
            200,
        )
        .await;
    let tier = b
        .call(
            b.external(&key, Method::POST, "/api/v1/tiers")
                .json(&json!({"name": format!("{title} Tier")})),
            200,
        )
        .await;
    let group_external_id = format!("{label}-crm-group-1");
    let group = b
        .call(
            b.external(&key, Method::POST, "/api/v1/external-user-groups")
                .json(
                    &json!({"name": format!("{title} Group"), "externalId": group_external_id,
                    "tierId": str_of(&tier, "id")}),
                ),
            200,
        )
        .await;
    let external_id = format!("{label}-crm-person-1");
    let identifier = format!("person@{label}.test");
    let person_name = format!("{title} Person");
    let person = b
        .call(
            b.external(&key, Method::POST, "/api/v1/external-users")
                .json(
                    &json!({"channelId": str_of(&channel, "id"), "externalId": external_id,
                    "externalUserGroupId": str_of(&group, "id"), "identifier": identifier,
                    "name": person_name, "tierId": str_of(&tier, "id")}),
                ),
            200,
        )
        .await;
    let external_import = b
        .call(
            b.external(&key, Method::POST, "/api/v1/external-user-imports").body(format!(
                "{}\n",
                json!({"channelId": str_of(&channel, "id"), "externalId": format!("{label}-crm-imported")})
            )),
            202,
        )
        .await;
    let authenticated = b
        .call(
            b.external(&key, Method::POST, "/api/v1/external-users/authenticate")
                .json(
                    &json!({"channelId": str_of(&channel, "id"), "externalId": null, "id": null,
                    "identifier": identifier.to_uppercase()}),
                ),
            200,
        )
        .await;
    assert_eq!(authenticated["id"], person["id"]);
    let access_token = str_of(&authenticated, "accessToken");
    b.secret("external access token", &access_token);

    Tenant {
        label: label.to_owned(),
        slug,
        org_id: admin.org_id.clone(),
        owner_id: str_of(&owner, "id"),
        owner_account_id,
        owner_email,
        password,
        session,
        member_id: str_of(&member, "id"),
        member_account_id: str_of(&member, "account_id"),
        member_email,
        member_token,
        token_id: str_of(&token, "id"),
        scim_token: str_of(&scim_token, "token"),
        scim_token_id: str_of(&scim_token, "id"),
        project_id,
        artifact_id: str_of(&artifact, "id"),
        integration_id: str_of(&integration, "id"),
        org_group_id: str_of(&org_group, "id"),
        webhook_id,
        delivery_id,
        import_id,
        external_import_id: str_of(&external_import, "id"),
        team_id: team_id.to_owned(),
        slack_user_id,
        spare_link_token,
        connect_token,
        connect_state,
        install_state,
        workspace_id: workspace.id,
        api_key: workspace.api_key,
        api_key_id,
        channel_id: str_of(&channel, "id"),
        tier_id: str_of(&tier, "id"),
        group_id: str_of(&group, "id"),
        group_external_id,
        external_user_id: str_of(&person, "id"),
        external_id,
        identifier,
        super_identity_id: str_of(&person, "superIdentityId"),
        access_token,
        seen: b.seen,
        secrets: b.secrets,
        admin,
    }
}
