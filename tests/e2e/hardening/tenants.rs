//! Two tenants with data in every family, built over HTTP as their admins would, and
//! everything each setup saw: the strings that must never reach the other tenant, and
//! the secrets that must never reach the database.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use reqwest::{Method, RequestBuilder};
use roster_e2e::Admin;
use serde_json::{json, Value};

use crate::slack::{browser, Slack};

/// Bot tokens the fake Slack hands out at install, by team.
pub fn bot_token(team_id: &str) -> String {
    format!(
        "xoxb-{}-7781-fake-bot-token-sensitive",
        team_id.to_lowercase()
    )
}

/// One tenant: an org with users, tokens, a session, projects, members, artifacts, an
/// integration, a Slack workspace with a link, and an external-users workspace with an
/// API key, a channel, a tier, a group, an external user and its access token.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Lowercase word every name of this tenant contains.
    pub label: String,
    pub slug: String,
    pub org_id: String,
    /// The bootstrapped AppAdmin; its API token is `admin.token`.
    pub admin: Admin,
    /// A second AppAdmin that signed up with a password, and its session token.
    pub owner_id: String,
    pub owner_account_id: String,
    pub owner_email: String,
    pub password: String,
    pub session: String,
    pub member_id: String,
    pub member_account_id: String,
    pub member_email: String,
    /// An API token of the member (an AppMember).
    pub member_token: String,
    /// An API token made with `POST /api/v1/app/tokens`.
    pub token_id: String,
    pub project_id: String,
    pub artifact_id: String,
    pub integration_id: String,
    /// A webhook endpoint and one of its deliveries.
    pub webhook_id: String,
    pub delivery_id: String,
    pub team_id: String,
    pub slack_user_id: String,
    /// A link token of this tenant that nobody redeemed.
    pub spare_link_token: String,
    /// A connect session token and the state of its Slack leg.
    pub connect_token: String,
    pub connect_state: String,
    /// The state of an install this tenant's admin started.
    pub install_state: String,
    pub workspace_id: String,
    pub api_key: String,
    pub api_key_id: String,
    pub channel_id: String,
    pub tier_id: String,
    pub group_id: String,
    pub group_external_id: String,
    pub external_user_id: String,
    pub external_id: String,
    pub identifier: String,
    pub super_identity_id: String,
    pub access_token: String,
    /// Every string value of every answer the setup got.
    pub seen: BTreeSet<String>,
    /// Every plaintext secret the setup handled, by what it is.
    pub secrets: BTreeMap<String, String>,
}

impl Tenant {
    /// The strings of this tenant another tenant must never see: ids, names, emails,
    /// external ids, identifiers, Slack ids and secrets (lowercase).
    pub fn markers(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .seen
            .iter()
            .filter(|s| s.to_lowercase().contains(&self.label) || looks_like_id(s))
            .map(|s| s.to_lowercase())
            .collect();
        out.extend(self.secrets.values().map(|s| s.to_lowercase()));
        out.retain(|s| s.len() >= 6);
        out
    }

    /// Values every row of this tenant carries one of: its org, workspace and accounts.
    pub fn anchors(&self) -> Vec<String> {
        vec![
            self.org_id.clone(),
            self.workspace_id.clone(),
            self.admin.account_id.clone(),
            self.owner_account_id.clone(),
            self.member_account_id.clone(),
        ]
    }
}

/// `prefix_<16+ hex>` (Roster's ids) or a UUID.
pub fn looks_like_id(s: &str) -> bool {
    if uuid::Uuid::try_parse(s).is_ok() {
        return true;
    }
    match s.split_once('_') {
        Some((prefix, rest)) => {
            !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_lowercase())
                && rest.len() >= 16
                && rest.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

fn collect(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            into.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect(v, into)),
        _ => {}
    }
}

fn query_of(url: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str(url.split_once('?').map(|(_, q)| q).unwrap_or_default()).unwrap()
}

fn str_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

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
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        assert_eq!(status, want, "setup of {}: {text}", self.slug);
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
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
        roster_identity::tokens::create(&mut conn, &account, "member", None)
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
        let res = start
            .get(
                slack
                    .app
                    .url(&format!("/work-apps/slack/install?tenantId={slug}")),
            )
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
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
    let res = browser().get(slack.app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let connect_state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
    let res = browser()
        .get(
            slack
                .app
                .url(&format!("/work-apps/slack/install?tenantId={slug}")),
        )
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let install_state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();

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
        project_id,
        artifact_id: str_of(&artifact, "id"),
        integration_id: str_of(&integration, "id"),
        webhook_id,
        delivery_id,
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

/// An OAuth flow A started in its own browser, which Slack will finish with B's team.
pub struct CrossFlow {
    /// Holds the flow's nonce cookie.
    pub browser: reqwest::Client,
    pub state: String,
    pub code: String,
}

/// A Slack-configured gateway with tenant A (`acme`, its workspace registered by hand)
/// and tenant B (`bravo`, its workspace installed by OAuth through the fake Slack), and
/// two flows of A that the fake Slack answers with B's team.
pub struct World {
    pub slack: Slack,
    pub a: Tenant,
    pub b: Tenant,
    /// A's admin installs the app, and Slack says the team is B's.
    pub install_b_team: CrossFlow,
    /// A's admin signs in with Slack, and Slack says the user is in B's team.
    pub connect_b_team: CrossFlow,
}

impl World {
    pub async fn new() -> Self {
        let slack = Slack::start().await;
        let a = build(
            &slack,
            "acme",
            Some(slack.app.admin.clone()),
            "T0ACME",
            false,
        )
        .await;
        let b = build(&slack, "bravo", None, "T0BRAVO", true).await;

        let install = browser();
        let res = install
            .get(slack.app.url("/work-apps/slack/install?tenantId=acme"))
            .bearer_auth(&a.admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
        let code = "acme-installs-bravo-team".to_owned();
        slack.fake.expect_install(
            &code,
            &b.team_id,
            "Stolen Team",
            "xoxb-acme-stolen-bot-token",
        );
        let install_b_team = CrossFlow {
            browser: install,
            state,
            code,
        };

        let (status, connect) = roster_e2e::json(
            slack
                .req(
                    &a.admin.token,
                    Method::POST,
                    "/work-apps/slack/users/connect",
                )
                .json(&json!({"userId": a.admin.user_id, "tenantId": "acme"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{connect}");
        let path = str_of(&connect, "connectUrl")
            .strip_prefix(&slack.app.config.public_url)
            .unwrap()
            .to_owned();
        let connect_browser = browser();
        let res = connect_browser
            .get(slack.app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
        let code = "acme-signs-in-to-bravo-team".to_owned();
        slack
            .fake
            .expect_sign_in(&code, &b.team_id, "U0ACMEX", "acme-x", "x@acme.test");
        let connect_b_team = CrossFlow {
            browser: connect_browser,
            state,
            code,
        };
        Self {
            slack,
            a,
            b,
            install_b_team,
            connect_b_team,
        }
    }
}
