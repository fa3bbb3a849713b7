//! Two tenants with data in every family, built over HTTP as their admins would, and
//! everything each setup saw: the strings that must never reach the other tenant, and
//! the secrets that must never reach the database.

use std::collections::{BTreeMap, BTreeSet};

use std::time::{Duration, Instant};

use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{Admin, Expect};
use roster_webhooks::config::RetrySchedule;
use serde_json::{json, Value};

use crate::slack::{browser, state_of, Slack};

mod build;

use build::build;

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
    /// A SCIM token of the org (`POST /api/v1/app/scim-tokens`) and its id.
    pub scim_token: String,
    pub scim_token_id: String,
    pub project_id: String,
    pub artifact_id: String,
    pub integration_id: String,
    /// An org group (`grp_…`) with the member in it.
    pub org_group_id: String,
    /// A webhook endpoint and one of its deliveries.
    pub webhook_id: String,
    pub delivery_id: String,
    /// A bulk import of users (`POST /api/v1/app/user-imports`).
    pub import_id: String,
    /// A bulk import of external users (`POST /api/v1/external-user-imports`).
    pub external_import_id: String,
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

pub(super) fn collect(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            into.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect(v, into)),
        _ => {}
    }
}

pub(super) fn str_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
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
        // B's webhook receiver is closed: its deliveries fail at once, and are not
        // retried while the probes run (a retry would change B's rows under the test).
        let slack = Slack::start_tweaked(true, |config| {
            config.webhooks.retry_schedule = RetrySchedule(vec![Duration::from_secs(3600)]);
        })
        .await;
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
        let state = state_of(
            &install
                .get(slack.app.url("/work-apps/slack/install?tenantId=acme"))
                .bearer_auth(&a.admin.token)
                .redirect()
                .await,
        );
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

        let connect = slack
            .req(
                &a.admin.token,
                Method::POST,
                "/work-apps/slack/users/connect",
            )
            .json(&json!({"userId": a.admin.user_id, "tenantId": "acme"}))
            .ok()
            .await;
        let path = str_of(&connect, "connectUrl")
            .strip_prefix(&slack.app.config.public_url)
            .unwrap()
            .to_owned();
        let connect_browser = browser();
        let state = state_of(&connect_browser.get(slack.app.url(&path)).redirect().await);
        let code = "acme-signs-in-to-bravo-team".to_owned();
        slack
            .fake
            .expect_sign_in(&code, &b.team_id, "U0ACMEX", "acme-x", "x@acme.test");
        let connect_b_team = CrossFlow {
            browser: connect_browser,
            state,
            code,
        };
        settle_deliveries(&slack, &b.org_id).await;
        Self {
            slack,
            a,
            b,
            install_b_team,
            connect_b_team,
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Unattempted {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Waits until every delivery of `org_id` has had its first attempt, so that the
/// deliverer changes none of them afterwards.
async fn settle_deliveries(slack: &Slack, org_id: &str) {
    let mut conn = slack.app.pool.get().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = diesel::sql_query(
            "SELECT count(*) AS count FROM webhook_deliveries \
             WHERE org_id = $1 AND state = 'pending' AND attempts = 0",
        )
        .bind::<Text, _>(org_id)
        .get_result::<Unattempted>(&mut conn)
        .await
        .unwrap()
        .count;
        if left == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{left} deliveries of {org_id} never attempted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
