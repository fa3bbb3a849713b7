//! The table's rows for Slack user linking, workspaces, commands and the OAuth legs.

use reqwest::Method;
use serde_json::json;

use super::{cross_flow, status, Row, SESSION_COOKIE};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Slack user linking
        ("post", "/work-apps/slack/users/link/verify-token", |c| {
            // B's link token, redeemed by A's users: 403 (not a user of the token's tenant).
            let (a, b) = (&c.w.a, &c.w.b);
            let app = c.app_client();
            let url = "/work-apps/slack/users/link/verify-token";
            vec![
                c.probe(
                    format!("POST {url} [A token, B's link token]"),
                    app.anon(Method::POST, url).bearer_auth(&a.admin.token),
                    &Some(json!({"token": b.spare_link_token, "userId": a.admin.user_id})),
                    status(&[403]),
                ),
                c.probe(
                    format!("POST {url} [A session, B's link token]"),
                    app.anon(Method::POST, url)
                        .header("cookie", format!("{SESSION_COOKIE}={}", a.session))
                        .header("origin", super::ORIGIN),
                    &Some(json!({"token": b.spare_link_token, "userId": a.owner_id})),
                    status(&[403]),
                ),
            ]
        }),
        ("get", "/work-apps/slack/users/link-status", |c| {
            let b = &c.w.b;
            let q = format!("slackUserId={}&slackTeamId={}", b.slack_user_id, b.team_id);
            let mut p = c.slack(
                Method::GET,
                &format!("/users/link-status?{q}&tenantId=acme"),
                None,
                status(&[200]),
            );
            p.extend(c.slack(
                Method::GET,
                &format!("/users/link-status?{q}&tenantId=bravo"),
                None,
                status(&[403]),
            ));
            p
        }),
        ("get", "/work-apps/slack/users/status", |c| {
            let b = &c.w.b;
            let mut p = c.slack(
                Method::GET,
                &format!("/users/status?userId={}&tenantId=acme", b.admin.user_id),
                None,
                status(&[404]),
            );
            p.extend(c.slack(
                Method::GET,
                &format!(
                    "/users/status?userId={}&tenantId={}",
                    b.admin.user_id, b.org_id
                ),
                None,
                status(&[403]),
            ));
            p
        }),
        ("post", "/work-apps/slack/users/disconnect", |c| {
            let b = &c.w.b;
            let mut p = Vec::new();
            for (body, want) in [
                (
                    json!({"tenantId": "acme", "slackTeamId": b.team_id, "slackUserId": b.slack_user_id}),
                    404,
                ),
                (json!({"tenantId": "acme", "userId": b.admin.user_id}), 404),
                (
                    json!({"tenantId": "bravo", "slackTeamId": b.team_id, "slackUserId": b.slack_user_id}),
                    403,
                ),
            ] {
                p.extend(c.slack(
                    Method::POST,
                    "/users/disconnect",
                    Some(body),
                    status(&[want]),
                ));
            }
            p
        }),
        ("post", "/work-apps/slack/users/connect", |c| {
            let b = &c.w.b;
            let mut p = Vec::new();
            for tenant in ["acme", "bravo"] {
                let body = json!({"userId": b.admin.user_id, "tenantId": tenant});
                p.extend(c.slack(Method::POST, "/users/connect", Some(body), status(&[403])));
            }
            p
        }),
        ("get", "/work-apps/slack/workspaces", |c| {
            let mut p = c.slack(
                Method::GET,
                "/workspaces?tenantId=acme",
                None,
                status(&[200]),
            );
            p.extend(c.slack(
                Method::GET,
                "/workspaces?tenantId=bravo",
                None,
                status(&[403]),
            ));
            p
        }),
        ("post", "/work-apps/slack/workspaces", |c| {
            // B's team is connected to B: 409 (one team, one tenant), without saying to whom.
            let body = json!({"teamId": c.w.b.team_id, "teamName": "Stolen", "tenantId": "acme"});
            let mut p = c.slack(Method::POST, "/workspaces", Some(body), status(&[409]));
            let body = json!({"teamId": "T0PROBE", "teamName": "Probe", "tenantId": "bravo"});
            p.extend(c.slack(Method::POST, "/workspaces", Some(body), status(&[403])));
            p
        }),
        ("delete", "/work-apps/slack/workspaces/{teamId}", |c| {
            let team = &c.w.b.team_id;
            let mut p = c.slack(
                Method::DELETE,
                &format!("/workspaces/{team}?tenantId=acme"),
                None,
                status(&[404]),
            );
            p.extend(c.slack(
                Method::DELETE,
                &format!("/workspaces/{team}?tenantId=bravo"),
                None,
                status(&[403]),
            ));
            p
        }),
        ("get", "/work-apps/slack/workspaces/{teamId}/users", |c| {
            let mut p = c.slack(
                Method::GET,
                &format!("/workspaces/{}/users", c.w.b.team_id),
                None,
                status(&[404]),
            );
            p.extend(c.slack(
                Method::GET,
                &format!("/workspaces/{}/users", c.w.a.team_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/work-apps/slack/commands", |c| {
            // B's Slack user, as if in A's team: A's tenant knows nothing of it.
            let mut p = c.command(&c.w.b.slack_user_id, "status", status(&[200]));
            p.extend(c.command(&c.w.a.slack_user_id, "status", status(&[200])));
            p
        }),
        ("get", "/work-apps/slack/install", |c| {
            let mut p = c.slack(Method::GET, "/install?tenantId=bravo", None, status(&[403]));
            p.extend(c.slack(Method::GET, "/install?tenantId=acme", None, status(&[302])));
            p
        }),
        ("get", "/work-apps/slack/oauth_redirect", |c| {
            // B's install state, in a browser that did not start it.
            let q = serde_urlencoded::to_string([
                ("code", "stolen-code"),
                ("state", c.w.b.install_state.as_str()),
            ])
            .unwrap();
            let mut p = c.anon(
                Method::GET,
                &format!("/work-apps/slack/oauth_redirect?{q}"),
                None,
                status(&[400]),
            );
            // A's own install, for which Slack names B's team: 409 (one team, one tenant).
            p.push(cross_flow(
                c,
                &c.w.install_b_team,
                "/work-apps/slack/oauth_redirect",
                409,
            ));
            p
        }),
        ("get", "/work-apps/slack/connect", |c| {
            // A's connect session under B's tenant.
            let q = serde_urlencoded::to_string([
                ("tenantId", c.w.b.org_id.as_str()),
                ("sessionToken", c.w.a.connect_token.as_str()),
            ])
            .unwrap();
            c.anon(
                Method::GET,
                &format!("/work-apps/slack/connect?{q}"),
                None,
                status(&[400]),
            )
        }),
        ("get", "/work-apps/slack/connect/callback", |c| {
            let q = serde_urlencoded::to_string([
                ("code", "stolen-code"),
                ("state", c.w.b.connect_state.as_str()),
            ])
            .unwrap();
            let mut p = c.anon(
                Method::GET,
                &format!("/work-apps/slack/connect/callback?{q}"),
                None,
                status(&[400]),
            );
            // A's own sign-in with Slack, as a user of B's team: B's workspace is not A's.
            p.push(cross_flow(
                c,
                &c.w.connect_b_team,
                "/work-apps/slack/connect/callback",
                404,
            ));
            p
        }),
    ]
}
