//! Authenticate and the Slack family.

use reqwest::Method;
use serde_json::json;

use super::{recipe_of, Fixture, Recipe};

/// Authenticate (it creates the user it does not know) and the Slack family.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
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
