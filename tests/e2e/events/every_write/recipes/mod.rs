//! How to call each mutating operation once successfully (with its prerequisites made
//! first) and once in a way that fails, and which events the success writes. One file
//! per family; [`recipe`] asks each in turn.

mod accounts;
mod app;
mod external;
mod groups;
mod scim;
mod slack;
mod webhooks;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Workspace};
use serde_json::{json, Value};

use crate::slack::Slack;

/// A well-formed id that names nothing, by prefix.
pub(super) fn nothing(prefix: &str) -> String {
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
    /// A SCIM token of `acme`.
    scim: String,
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
        let scim = admin(Method::POST, "/api/v1/app/scim-tokens")
            .json(&json!({"name": "Okta"}))
            .created()
            .await;
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
            scim: str_of(&scim, "token"),
        }
    }

    /// Signs up `email`, verifies it and adds it to `acme` (so that its account's events
    /// have an org); returns its account id and a session token of it.
    async fn member_account(&self, email: &str) -> (String, String) {
        let app = &self.slack.app;
        let body = json!({"email": email, "password": PASSWORD, "name": "Walker"});
        let signed_up = self
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&body)
            .ok()
            .await;
        let account = str_of(&signed_up["user"], "id");
        app.verify_email(email).await;
        self.app(Method::POST, "/user")
            .json(&json!({"account_id": account, "role": "AppMember",
                "user_info": {"email": email, "name": "Walker"}}))
            .created()
            .await;
        (account, self.sign_in(email).await)
    }

    /// A new session of `email` (signed up with `PASSWORD`); returns its token.
    async fn sign_in(&self, email: &str) -> String {
        let signed_in = self
            .anon(Method::POST, "/api/auth/sign-in/email")
            .json(&json!({"email": email, "password": PASSWORD}))
            .ok()
            .await;
        str_of(&signed_in, "token")
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

pub(super) fn str_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

pub(super) fn recipe_of(
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
    if let Some(r) = accounts::recipe(f, operation).await {
        return Some(r);
    }
    if let Some(r) = app::recipe(f, operation).await {
        return Some(r);
    }
    if let Some(r) = groups::recipe(f, operation).await {
        return Some(r);
    }
    if let Some(r) = scim::recipe(f, operation).await {
        return Some(r);
    }
    if let Some(r) = webhooks::recipe(f, operation).await {
        return Some(r);
    }
    if let Some(r) = external::recipe(f, operation).await {
        return Some(r);
    }
    slack::recipe(f, operation).await
}
