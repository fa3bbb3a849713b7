//! Slack fixtures: a workspace registered for an org over the API, and a Slack user
//! linked to one of its users (through the domain function the link-token flow ends in).

use reqwest::Method;
use roster_identity::{OrgId, UserId};
use roster_slack::links::{self, Relink, SlackIdentity};
use roster_slack::{SlackUserId, TeamId};
use serde_json::json;

use crate::{Admin, Expect, TestApp};

impl TestApp {
    /// Registers the Slack team `team` (named `Team <team>`) for `admin`'s org, as that admin,
    /// and links the Slack user `slack_user` (named `<slack_user> on Slack`, with
    /// `slack_email`) to `user`.
    pub async fn slack_linked(
        &self,
        admin: &Admin,
        team: &str,
        user: &str,
        slack_user: &str,
        slack_email: Option<&str>,
    ) {
        let org = &admin.org_slug;
        self.as_user(
            &admin.token,
            org,
            Method::POST,
            "/work-apps/slack/workspaces",
        )
        .json(&json!({"teamId": team, "teamName": format!("Team {team}"), "tenantId": org}))
        .created()
        .await;
        let identity = SlackIdentity {
            team_id: TeamId::parse(team).expect("a team id"),
            user_id: SlackUserId::parse(slack_user).expect("a Slack user id"),
            enterprise_id: None,
            username: Some(format!("{slack_user} on Slack")),
            email: slack_email.map(str::to_owned),
        };
        let org_id = OrgId::parse(&admin.org_id).expect("an org id");
        let user = UserId::parse(user).expect("a user id");
        let mut conn = self.pool.get().await.expect("conn");
        links::link(&mut conn, &org_id, &user, &identity, Relink::Refuse)
            .await
            .expect("linked");
    }

    /// Whether `user` of `admin`'s org has a Slack link, as `/work-apps/slack/users/status`
    /// answers its admin.
    pub async fn slack_connected(&self, admin: &Admin, user: &str) -> bool {
        let path = format!(
            "/work-apps/slack/users/status?userId={user}&tenantId={}",
            admin.org_slug
        );
        let status = self
            .as_user(&admin.token, &admin.org_slug, Method::GET, &path)
            .ok()
            .await;
        status["connected"].as_bool().expect("connected")
    }
}
