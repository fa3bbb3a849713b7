//! Lists of external users (`GET /api/v1/external-users`): each filter alone and
//! combined, one id or many, search, paging edges, a stable order, and unsearched totals
//! from counters kept by triggers (migration `2026-12-01-000015_external_user_counts`).

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{id, USERS};

mod filters;
mod search;
mod totals;

/// How many (workspace, channel, tier, group) keys, in the whole database, the counters
/// put at another number than `count(*)` of external_users (EXCEPT: NULLs compare equal).
pub(super) async fn counters_disagreeing(app: &TestApp) -> i64 {
    app.sql_count(
        "WITH actual AS (
             SELECT workspace_id, channel_id, tier_id, external_user_group_id, count(*) AS n
               FROM external_users GROUP BY 1, 2, 3, 4),
         counted AS (
             SELECT workspace_id, channel_id, tier_id, external_user_group_id, sum(n)::bigint AS n
               FROM external_user_counts GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0)
         SELECT count(*) AS n FROM (
             (SELECT * FROM actual EXCEPT SELECT * FROM counted)
             UNION ALL
             (SELECT * FROM counted EXCEPT SELECT * FROM actual)) AS d",
    )
    .await
}

/// A workspace's API key and the catalog its users are spread over.
pub(crate) struct Catalog {
    pub(crate) workspace_id: String,
    pub(crate) key: String,
    pub(crate) channels: Vec<String>,
    pub(crate) tiers: Vec<String>,
    pub(crate) groups: Vec<String>,
}

impl Catalog {
    /// A new workspace of `admin` with two channels, two tiers and two groups.
    pub(crate) async fn new(app: &TestApp, admin: &roster_e2e::Admin) -> Self {
        let ws = app.workspace_of(admin).await;
        let key = ws.api_key;
        let mut channels = Vec::new();
        let mut tiers = Vec::new();
        let mut groups = Vec::new();
        for name in ["One", "Two"] {
            channels.push(app.channel(&key, name).await);
            tiers.push(app.tier(&key, name).await);
            groups.push(app.group(&key, name).await);
        }
        Self {
            workspace_id: ws.id,
            key,
            channels,
            tiers,
            groups,
        }
    }

    /// Creates a user on channel `c`, with tier `t` and group `g` when given.
    pub(super) async fn user(
        &self,
        app: &TestApp,
        c: usize,
        t: Option<usize>,
        g: Option<usize>,
    ) -> String {
        let mut body = json!({"channelId": self.channels[c]});
        if let Some(t) = t {
            body["tierId"] = json!(self.tiers[t]);
        }
        if let Some(g) = g {
            body["externalUserGroupId"] = json!(self.groups[g]);
        }
        id(&app.external_create(&self.key, USERS, body).await)
    }

    pub(super) async fn patch(&self, app: &TestApp, user: &str, body: Value) {
        app.external(&self.key, Method::PATCH, &format!("{USERS}/{user}"))
            .json(&body)
            .status(200)
            .await;
    }

    /// The list's total for `query`, read from a one-row page.
    pub(super) async fn total(&self, app: &TestApp, query: &str) -> i64 {
        let req = app.external(
            &self.key,
            Method::GET,
            &format!("{USERS}?pageSize=1&{query}"),
        );
        let (total, list) = req.listed().await;
        let total = total.unwrap_or_else(|| panic!("{query}: no X-Total-Count"));
        assert_eq!(
            list.as_array().unwrap().len() as i64,
            total.min(1),
            "{query}: the page"
        );
        total
    }

    /// The filters the counters serve, as (query, the same filter in SQL).
    fn counted_filters(&self) -> Vec<(String, String)> {
        let (c, t, g) = (&self.channels, &self.tiers, &self.groups);
        vec![
            (String::new(), "true".into()),
            (format!("channelIds={}", c[0]), format!("channel_id = '{}'", c[0])),
            (
                format!("channelIds={}&channelIds={}", c[0], c[1]),
                format!("channel_id IN ('{}', '{}')", c[0], c[1]),
            ),
            (format!("tierIds={}", t[0]), format!("tier_id = '{}'", t[0])),
            (format!("tierIds={}", t[1]), format!("tier_id = '{}'", t[1])),
            (
                format!("tierIds={}&tierIds={}", t[0], t[1]),
                format!("tier_id IN ('{}', '{}')", t[0], t[1]),
            ),
            (
                format!("externalUserGroupIds={}", g[0]),
                format!("external_user_group_id = '{}'", g[0]),
            ),
            (
                format!("externalUserGroupIds={}&externalUserGroupIds={}", g[0], g[1]),
                format!("external_user_group_id IN ('{}', '{}')", g[0], g[1]),
            ),
            (
                format!("channelIds={}&tierIds={}", c[1], t[0]),
                format!("channel_id = '{}' AND tier_id = '{}'", c[1], t[0]),
            ),
            (
                format!("tierIds={}&externalUserGroupIds={}", t[1], g[0]),
                format!("tier_id = '{}' AND external_user_group_id = '{}'", t[1], g[0]),
            ),
            (
                format!(
                    "channelIds={}&tierIds={}&tierIds={}&externalUserGroupIds={}",
                    c[0], t[0], t[1], g[1]
                ),
                format!(
                    "channel_id = '{}' AND tier_id IN ('{}', '{}') AND external_user_group_id = '{}'",
                    c[0], t[0], t[1], g[1]
                ),
            ),
        ]
    }

    /// For every filter the counters serve, the list's total equals `count(*)` of the
    /// workspace's matching users, and the counters agree with the users everywhere.
    /// Returns the unfiltered total.
    pub(super) async fn assert_totals_exact(&self, app: &TestApp) -> i64 {
        for (query, condition) in self.counted_filters() {
            let expected = app
                .sql_count(&format!(
                    "SELECT count(*) AS n FROM external_users WHERE workspace_id = '{}' AND {condition}",
                    self.workspace_id
                ))
                .await;
            assert_eq!(self.total(app, &query).await, expected, "filter `{query}`");
        }
        assert_eq!(counters_disagreeing(app).await, 0, "counters vs count(*)");
        self.total(app, "").await
    }
}
