//! Slack user linking (`/work-apps/slack`) end to end: the real gateway over real HTTP and
//! PostgreSQL, and a fake Slack (a real HTTP server on loopback) for the OAuth legs.

mod commands;
mod connect;
mod docs;
mod fake;
mod install;
mod linking;
mod users;
mod workspaces;

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Reply, TestApp};
use roster_gateway::config::{Config, Secret};
use serde_json::{json, Value};
use sha2::Sha256;

pub use fake::FakeSlack;

pub const SIGNING_SECRET: &str = "e2e-slack-signing-secret-0123456789";
/// The workspace most tests register for the org `acme`.
pub const TEAM: &str = "T0ACME";

/// A gateway configured for Slack, and the fake Slack it talks to.
pub struct Slack {
    pub app: TestApp,
    pub fake: FakeSlack,
    /// A browser: keeps cookies, shows redirects instead of following them.
    pub browser: reqwest::Client,
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Slack's request signature, computed here independently of the gateway's code.
pub fn sign(timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_SECRET.as_bytes()).unwrap();
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// A client that shows redirects instead of following them (and keeps no cookies).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser for the OAuth legs: keeps cookies, shows redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The query parameters of a URL.
pub fn query_of(url: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str(url.split_once('?').map(|(_, q)| q).unwrap_or_default()).unwrap()
}

/// The `state` parameter of a redirect to Slack.
pub fn state_of(location: &str) -> String {
    query_of(location)["state"].clone()
}

/// A slash command body as Slack sends it: each with a `trigger_id` of its own, so that
/// two commands in one second are two requests, not a replay.
pub fn command_body(team_id: &str, user_id: &str, user_name: &str, text: &str) -> String {
    static TRIGGERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let trigger_id = format!(
        "1.2.{}",
        TRIGGERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    serde_urlencoded::to_string([
        ("token", "legacy-verification-token"),
        ("team_id", team_id),
        ("team_domain", "acme"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user_id),
        ("user_name", user_name),
        ("command", "/roster"),
        ("text", text),
        ("api_app_id", "A0FAKE"),
        (
            "response_url",
            "https://hooks.slack.com/commands/T0ACME/1/abc",
        ),
        ("trigger_id", trigger_id.as_str()),
    ])
    .unwrap()
}

impl Slack {
    /// Slack fully configured: signing secret, OAuth client, API base at the fake.
    pub async fn start() -> Self {
        Self::start_configured(true).await
    }

    /// With `oauth` false, no SLACK_CLIENT_ID / SLACK_CLIENT_SECRET.
    pub async fn start_configured(oauth: bool) -> Self {
        Self::start_tweaked(oauth, |_| {}).await
    }

    /// The same, with a further configuration tweak.
    pub async fn start_tweaked(oauth: bool, tweak: impl FnOnce(&mut Config)) -> Self {
        let fake = FakeSlack::start();
        let api_base = fake.api_base_url();
        let app = TestApp::spawn_with(move |config| {
            tweak(config);
            config.slack.api_base_url = api_base;
            config.slack.signing_secret = Some(Secret(SIGNING_SECRET.as_bytes().to_vec()));
            if oauth {
                config.slack.client_id = Some(fake::CLIENT_ID.into());
                config.slack.client_secret = Some(Secret(fake::CLIENT_SECRET.as_bytes().to_vec()));
            }
        })
        .await;
        Self {
            app,
            fake,
            browser: browser(),
        }
    }

    /// A request with a bearer token and no `x-org` (as the Slack family is called).
    pub fn req(&self, token: &str, method: Method, path: &str) -> RequestBuilder {
        self.app.anon(method, path).bearer_auth(token)
    }

    /// A request as the bootstrapped admin of `acme`.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.req(&self.app.admin.token, method, path)
    }

    /// Registers a workspace for `acme` by hand, as its admin.
    pub async fn register(&self, team_id: &str, team_name: &str) -> Value {
        self.admin(Method::POST, "/work-apps/slack/workspaces")
            .json(&json!({"teamId": team_id, "teamName": team_name, "tenantId": "acme"}))
            .created()
            .await
    }

    /// Installs the app for `tenant` by OAuth as `bearer`, in a browser of its own, with
    /// the fake Slack answering `code` for this team; returns Roster's answer.
    pub async fn install_by_oauth(
        &self,
        bearer: &str,
        tenant: &str,
        code: &str,
        team_id: &str,
    ) -> Reply {
        let browser = browser();
        let state = state_of(
            &browser
                .get(
                    self.app
                        .url(&format!("/work-apps/slack/install?tenantId={tenant}")),
                )
                .bearer_auth(bearer)
                .redirect()
                .await,
        );
        self.fake
            .expect_install(code, team_id, "Installed Team", "xoxb-installed-bot-token");
        let query =
            serde_urlencoded::to_string([("code", code), ("state", state.as_str())]).unwrap();
        browser
            .get(
                self.app
                    .url(&format!("/work-apps/slack/oauth_redirect?{query}")),
            )
            .reply()
            .await
    }

    /// A signed slash command, to send now.
    pub fn command(
        &self,
        team_id: &str,
        user_id: &str,
        user_name: &str,
        text: &str,
    ) -> RequestBuilder {
        let body = command_body(team_id, user_id, user_name, text);
        self.signed_command(&now().to_string(), &body)
    }

    /// A slash command signed for `timestamp`.
    pub fn signed_command(&self, timestamp: &str, body: &str) -> RequestBuilder {
        let signature = sign(timestamp, body);
        self.app
            .anon(Method::POST, "/work-apps/slack/commands")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", timestamp)
            .header("x-slack-signature", signature)
            .body(body.to_owned())
    }

    /// Runs `/roster link` as a Slack user and returns the token of its button.
    pub async fn link_token(&self, team_id: &str, user_id: &str, user_name: &str) -> String {
        let body = self.command(team_id, user_id, user_name, "link").ok().await;
        let url = body["blocks"][1]["elements"][0]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no button in {body}"));
        url.split_once("/link?token=")
            .unwrap_or_else(|| panic!("unexpected link {url}"))
            .1
            .to_owned()
    }

    /// Redeems a link token as `bearer` for `user_id`.
    pub fn verify(
        &self,
        bearer: &str,
        token: &str,
        user_id: &str,
        take_over: bool,
    ) -> RequestBuilder {
        let mut body = json!({"token": token, "userId": user_id});
        if take_over {
            body["takeOver"] = json!(true);
        }
        self.req(
            bearer,
            Method::POST,
            "/work-apps/slack/users/link/verify-token",
        )
        .json(&body)
    }

    /// Links a Slack user to `user_id` through the slash command and verify-token.
    pub async fn link(
        &self,
        bearer: &str,
        user_id: &str,
        team_id: &str,
        slack_user: &str,
    ) -> Value {
        let token = self
            .link_token(team_id, slack_user, &slack_user.to_lowercase())
            .await;
        self.verify(bearer, &token, user_id, false).ok().await
    }

    /// The linked users of a workspace, as the admin of `acme` sees them.
    pub async fn linked_users(&self, team_id: &str) -> Vec<Value> {
        let body = self
            .admin(
                Method::GET,
                &format!("/work-apps/slack/workspaces/{team_id}/users"),
            )
            .ok()
            .await;
        body["linkedUsers"].as_array().unwrap().clone()
    }

    /// The integration types of a user of `acme`, from the App API.
    pub async fn integration_types(&self, token: &str) -> Vec<String> {
        let body = self
            .app
            .as_user(token, "acme", Method::GET, "/api/v1/app/user/integrations")
            .ok()
            .await;
        body.as_array()
            .unwrap()
            .iter()
            .map(|i| i["type"].as_str().unwrap().to_owned())
            .collect()
    }
}
