//! The table: one row per operation of `/openapi.json`, each sending tenant A's
//! credentials against tenant B's ids.

use reqwest::Method;
use serde_json::json;

use super::probes::{artifact, by_id, cross_flow, Ctx, SESSION_COOKIE};
use super::{status, Expect, Probe};

pub type Probes = fn(&Ctx<'_>) -> Vec<Probe>;

/// One row per operation of the OpenAPI document.
pub fn routes() -> Vec<(&'static str, &'static str, Probes)> {
    vec![
        ("get", "/healthz", |c| {
            c.anon(Method::GET, "/healthz", None, status(&[200]))
        }),
        ("get", "/readyz", |c| {
            c.anon(Method::GET, "/readyz", None, status(&[200]))
        }),
        // Accounts are global: B's email is taken (409) and B's password check is a 401.
        ("post", "/api/auth/sign-up/email", |c| {
            let body = json!({"email": c.w.b.member_email, "password": "probe pass phrase", "name": "Probe"});
            c.anon(
                Method::POST,
                "/api/auth/sign-up/email",
                Some(body),
                status(&[409]),
            )
        }),
        ("post", "/api/auth/sign-in/email", |c| {
            let body = json!({"email": c.w.b.owner_email, "password": c.w.a.password});
            c.anon(
                Method::POST,
                "/api/auth/sign-in/email",
                Some(body),
                status(&[401]),
            )
        }),
        ("post", "/api/auth/sign-out", |c| {
            // With the API token only: the session cookie must live on for later probes.
            let req = c
                .app_client()
                .anon(Method::POST, "/api/auth/sign-out")
                .bearer_auth(&c.w.a.admin.token);
            vec![c.probe(
                "POST /api/auth/sign-out [A token]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        ("get", "/api/auth/get-session", |c| {
            let req = c
                .app_client()
                .anon(Method::GET, "/api/auth/get-session")
                .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session));
            vec![c.probe(
                "GET /api/auth/get-session [A session]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        // App users
        ("get", "/api/v1/app/me", |c| {
            c.app(Method::GET, "/me", None, status(&[200]))
        }),
        ("get", "/api/v1/app/user", |c| {
            let mut p = c.app(Method::GET, "/user", None, status(&[200]));
            p.extend(c.app(
                Method::GET,
                &format!("/user?search={}", c.w.b.member_email),
                None,
                Expect::EmptyList,
            ));
            p
        }),
        ("post", "/api/v1/app/user", |c| {
            // B's account by id, under an email that is not the account's.
            let body = json!({"account_id": c.w.b.owner_account_id, "role": "AppMember",
                "user_info": {"email": "intruder@acme.test", "name": "Intruder"}});
            c.app(Method::POST, "/user", Some(body), status(&[404]))
        }),
        ("get", "/api/v1/app/user/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/user/{}", b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/user/{}", a.member_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("put", "/api/v1/app/user/{id}", |c| {
            let body = json!({"name": "Renamed by A"});
            c.app(
                Method::PUT,
                &format!("/user/{}", c.w.b.member_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("post", "/api/v1/app/user/{id}/deactivate", |c| {
            c.app(
                Method::POST,
                &format!("/user/{}/deactivate", c.w.b.owner_id),
                None,
                status(&[404]),
            )
        }),
        ("post", "/api/v1/app/user/{id}/activate", |c| {
            c.app(
                Method::POST,
                &format!("/user/{}/activate", c.w.b.member_id),
                None,
                status(&[404]),
            )
        }),
        // Tokens
        ("get", "/api/v1/app/tokens", |c| {
            c.app(Method::GET, "/tokens", None, status(&[200]))
        }),
        ("post", "/api/v1/app/tokens", |c| {
            c.app(
                Method::POST,
                "/tokens",
                Some(json!({"name": "probe"})),
                status(&[201]),
            )
        }),
        ("delete", "/api/v1/app/tokens/{id}", |c| {
            c.app(
                Method::DELETE,
                &format!("/tokens/{}", c.w.b.token_id),
                None,
                status(&[404]),
            )
        }),
        // The audit log and webhooks
        ("get", "/api/v1/app/audit-events", |c| {
            c.app(Method::GET, "/audit-events?first=100", None, status(&[200]))
        }),
        ("get", "/api/v1/app/webhooks", |c| {
            c.app(Method::GET, "/webhooks", None, status(&[200]))
        }),
        ("post", "/api/v1/app/webhooks", |c| {
            let body = json!({"url": "http://127.0.0.1:9/probe"});
            c.app(Method::POST, "/webhooks", Some(body), status(&[201]))
        }),
        ("get", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("patch", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            let body = json!({"enabled": false});
            c.app(Method::PATCH, &path, Some(body), status(&[404]))
        }),
        ("delete", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            c.app(Method::DELETE, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/webhooks/{id}/secret", |c| {
            let path = format!("/webhooks/{}/secret", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("post", "/api/v1/app/webhooks/{id}/rotate-secret", |c| {
            let path = format!("/webhooks/{}/rotate-secret", c.w.b.webhook_id);
            c.app(Method::POST, &path, None, status(&[404]))
        }),
        ("post", "/api/v1/app/webhooks/{id}/test", |c| {
            let path = format!("/webhooks/{}/test", c.w.b.webhook_id);
            c.app(Method::POST, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/webhooks/{id}/deliveries", |c| {
            let path = format!("/webhooks/{}/deliveries", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        (
            "post",
            "/api/v1/app/webhooks/{id}/deliveries/{delivery_id}/retry",
            |c| {
                let (w, b) = (&c.w.b.webhook_id, &c.w.b.delivery_id);
                let path = format!("/webhooks/{w}/deliveries/{b}/retry");
                c.app(Method::POST, &path, None, status(&[404]))
            },
        ),
        // Integrations
        ("get", "/api/v1/app/user/integrations", |c| {
            c.app(Method::GET, "/user/integrations", None, status(&[200]))
        }),
        ("post", "/api/v1/app/user/integrations", |c| {
            c.app(
                Method::POST,
                "/user/integrations",
                Some(json!({"type": "Jira"})),
                status(&[201, 409]),
            )
        }),
        ("delete", "/api/v1/app/user/integrations/{id}", |c| {
            let path = format!("/user/integrations/{}", c.w.b.integration_id);
            c.app(Method::DELETE, &path, None, status(&[404]))
        }),
        // Projects and pins
        ("get", "/api/v1/app/project", |c| {
            c.app(Method::GET, "/project", None, status(&[200]))
        }),
        ("post", "/api/v1/app/project", |c| {
            c.app(
                Method::POST,
                "/project",
                Some(json!({"name": "Probe project"})),
                status(&[201]),
            )
        }),
        ("get", "/api/v1/app/project/{id}", |c| {
            c.app(
                Method::GET,
                &format!("/project/{}", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("put", "/api/v1/app/project/{id}", |c| {
            let body = json!({"goal": "Changed by A"});
            c.app(
                Method::PUT,
                &format!("/project/{}", c.w.b.project_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("delete", "/api/v1/app/project/{id}", |c| {
            c.app(
                Method::DELETE,
                &format!("/project/{}", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("post", "/api/v1/app/project/{id}/pin", |c| {
            c.app(
                Method::POST,
                &format!("/project/{}/pin", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("delete", "/api/v1/app/project/{id}/pin", |c| {
            c.app(
                Method::DELETE,
                &format!("/project/{}/pin", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("get", "/api/v1/app/user/{id}/project", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/user/{}/project", b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/user/{}/project", a.member_id),
                None,
                status(&[200]),
            ));
            p
        }),
        // Members
        ("get", "/api/v1/app/project/{id}/member", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/project/{}/member", b.project_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/project/{}/member", a.project_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/project/{id}/member", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::POST,
                &format!("/project/{}/member", b.project_id),
                Some(json!({"user_id": a.member_id, "role": "Viewer"})),
                status(&[404]),
            );
            p.extend(c.app(
                Method::POST,
                &format!("/project/{}/member", a.project_id),
                Some(json!({"user_id": b.member_id, "role": "Viewer"})),
                status(&[404]),
            ));
            p
        }),
        ("put", "/api/v1/app/project/{id}/member/{user_id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let body = Some(json!({"role": "Owner"}));
            let mut p = c.app(
                Method::PUT,
                &format!("/project/{}/member/{}", b.project_id, b.member_id),
                body.clone(),
                status(&[404]),
            );
            p.extend(c.app(
                Method::PUT,
                &format!("/project/{}/member/{}", a.project_id, b.member_id),
                body,
                status(&[404]),
            ));
            p
        }),
        ("delete", "/api/v1/app/project/{id}/member/{user_id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::DELETE,
                &format!("/project/{}/member/{}", b.project_id, b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::DELETE,
                &format!("/project/{}/member/{}", a.project_id, b.member_id),
                None,
                status(&[404]),
            ));
            p
        }),
        // Artifacts
        ("get", "/api/v1/app/project/{id}/artifact", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/project/{}/artifact", b.project_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/project/{}/artifact", a.project_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/project/{id}/artifact", |c| {
            let body = json!({"name": "Probe artifact", "type": "Document"});
            let path = format!("/project/{}/artifact", c.w.b.project_id);
            c.app(Method::POST, &path, Some(body), status(&[404]))
        }),
        (
            "get",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::GET, None),
        ),
        (
            "patch",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::PATCH, Some(json!({"state": "Failed"}))),
        ),
        (
            "delete",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::DELETE, None),
        ),
        ("get", "/api/v1/app/user/{id}/latest-artifacts", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/user/{}/latest-artifacts", b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/user/{}/latest-artifacts", a.admin.user_id),
                None,
                status(&[200]),
            ));
            p
        }),
        // External-users workspaces and API keys
        ("get", "/api/v1/app/workspaces", |c| {
            c.app(Method::GET, "/workspaces", None, status(&[200]))
        }),
        ("post", "/api/v1/app/workspaces", |c| {
            c.app(
                Method::POST,
                "/workspaces",
                Some(json!({"name": "Probe workspace"})),
                status(&[201]),
            )
        }),
        ("get", "/api/v1/app/workspaces/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/workspaces/{}", b.workspace_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/workspaces/{}", a.workspace_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("get", "/api/v1/app/workspaces/{id}/api-keys", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/workspaces/{}/api-keys", b.workspace_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/workspaces/{}/api-keys", a.workspace_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/workspaces/{id}/api-keys", |c| {
            let path = format!("/workspaces/{}/api-keys", c.w.b.workspace_id);
            c.app(
                Method::POST,
                &path,
                Some(json!({"name": "stolen"})),
                status(&[404]),
            )
        }),
        (
            "delete",
            "/api/v1/app/workspaces/{id}/api-keys/{key_id}",
            |c| {
                let (a, b) = (&c.w.a, &c.w.b);
                let mut p = c.app(
                    Method::DELETE,
                    &format!("/workspaces/{}/api-keys/{}", b.workspace_id, b.api_key_id),
                    None,
                    status(&[404]),
                );
                p.extend(c.app(
                    Method::DELETE,
                    &format!("/workspaces/{}/api-keys/{}", a.workspace_id, b.api_key_id),
                    None,
                    status(&[404]),
                ));
                p
            },
        ),
        // External users
        ("post", "/api/v1/external-users/authenticate", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let path = "/api/v1/external-users/authenticate";
            let mut p = c.external(
                Method::POST,
                path,
                Some(json!({"channelId": b.channel_id, "externalId": null, "id": null, "identifier": "visitor@acme.test"})),
                status(&[404]),
            );
            p.extend(c.external(
                Method::POST,
                path,
                Some(json!({"channelId": a.channel_id, "externalId": null, "id": b.external_user_id, "identifier": null})),
                status(&[404]),
            ));
            p
        }),
        ("get", "/api/v1/external-users/me", |c| {
            let req = c
                .app_client()
                .anon(Method::GET, "/api/v1/external-users/me")
                .bearer_auth(&c.w.a.access_token);
            vec![c.probe(
                "GET /api/v1/external-users/me [A access token]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        ("get", "/api/v1/external-users", |c| {
            let b = &c.w.b;
            let mut p = c.external(Method::GET, "/api/v1/external-users", None, status(&[200]));
            for query in [
                format!("channelIds={}", b.channel_id),
                format!("tierIds={}", b.tier_id),
                format!("externalUserGroupIds={}", b.group_id),
                format!("superIdentityIds={}", b.super_identity_id),
                format!("search={}", b.external_id),
            ] {
                let path = format!("/api/v1/external-users?{query}");
                p.extend(c.external(Method::GET, &path, None, Expect::EmptyList));
            }
            p
        }),
        ("post", "/api/v1/external-users", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            [
                json!({"channelId": b.channel_id, "identifier": "v1@acme.test"}),
                json!({"channelId": a.channel_id, "identifier": "v2@acme.test", "tierId": b.tier_id}),
                json!({"channelId": a.channel_id, "identifier": "v3@acme.test", "externalUserGroupId": b.group_id}),
            ]
            .into_iter()
            .flat_map(|body| c.external(Method::POST, "/api/v1/external-users", Some(body), status(&[404])))
            .collect()
        }),
        ("get", "/api/v1/external-users/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.external(
                Method::GET,
                &format!("/api/v1/external-users/{}", b.external_user_id),
                None,
                status(&[404]),
            );
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/external-users/{}", a.external_user_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/external-users/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.external(
                Method::PATCH,
                &format!("/api/v1/external-users/{}", b.external_user_id),
                Some(json!({"name": "Renamed by A", "blocked": true})),
                status(&[404]),
            );
            for body in [
                json!({"tierId": b.tier_id}),
                json!({"externalUserGroupId": b.group_id}),
            ] {
                let path = format!("/api/v1/external-users/{}", a.external_user_id);
                p.extend(c.external(Method::PATCH, &path, Some(body), status(&[404])));
            }
            p
        }),
        // Channels, tiers, groups
        ("get", "/api/v1/channels", |c| {
            c.external(Method::GET, "/api/v1/channels", None, status(&[200]))
        }),
        ("post", "/api/v1/channels", |c| {
            c.external(
                Method::POST,
                "/api/v1/channels",
                Some(json!({"name": "Probe channel"})),
                status(&[200]),
            )
        }),
        ("get", "/api/v1/channels/{id}", |c| {
            let mut p = by_id(c, Method::GET, "channels", &c.w.b.channel_id, None);
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/channels/{}", c.w.a.channel_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/channels/{id}", |c| {
            by_id(
                c,
                Method::PATCH,
                "channels",
                &c.w.b.channel_id,
                Some(json!({"name": "Renamed"})),
            )
        }),
        ("delete", "/api/v1/channels/{id}", |c| {
            by_id(c, Method::DELETE, "channels", &c.w.b.channel_id, None)
        }),
        ("get", "/api/v1/tiers", |c| {
            c.external(Method::GET, "/api/v1/tiers", None, status(&[200]))
        }),
        ("post", "/api/v1/tiers", |c| {
            c.external(
                Method::POST,
                "/api/v1/tiers",
                Some(json!({"name": "Probe tier"})),
                status(&[200]),
            )
        }),
        ("get", "/api/v1/tiers/{id}", |c| {
            let mut p = by_id(c, Method::GET, "tiers", &c.w.b.tier_id, None);
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/tiers/{}", c.w.a.tier_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/tiers/{id}", |c| {
            by_id(
                c,
                Method::PATCH,
                "tiers",
                &c.w.b.tier_id,
                Some(json!({"name": "Renamed"})),
            )
        }),
        ("delete", "/api/v1/tiers/{id}", |c| {
            by_id(c, Method::DELETE, "tiers", &c.w.b.tier_id, None)
        }),
        ("get", "/api/v1/external-user-groups", |c| {
            let b = &c.w.b;
            let mut p = c.external(
                Method::GET,
                "/api/v1/external-user-groups",
                None,
                status(&[200]),
            );
            for query in [
                format!("ids={}", b.group_id),
                format!("tierIds={}", b.tier_id),
                format!("externalId={}", b.group_external_id),
                format!("search={}", b.group_external_id),
            ] {
                let path = format!("/api/v1/external-user-groups?{query}");
                p.extend(c.external(Method::GET, &path, None, Expect::EmptyList));
            }
            p
        }),
        ("post", "/api/v1/external-user-groups", |c| {
            let body = json!({"name": "Probe group", "tierId": c.w.b.tier_id});
            c.external(
                Method::POST,
                "/api/v1/external-user-groups",
                Some(body),
                status(&[404]),
            )
        }),
        ("get", "/api/v1/external-user-groups/{id}", |c| {
            let mut p = by_id(
                c,
                Method::GET,
                "external-user-groups",
                &c.w.b.group_id,
                None,
            );
            let own = format!("/api/v1/external-user-groups/{}", c.w.a.group_id);
            p.extend(c.external(Method::GET, &own, None, status(&[200])));
            p
        }),
        ("patch", "/api/v1/external-user-groups/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = by_id(
                c,
                Method::PATCH,
                "external-user-groups",
                &b.group_id,
                Some(json!({"name": "Renamed"})),
            );
            p.extend(by_id(
                c,
                Method::PATCH,
                "external-user-groups",
                &a.group_id,
                Some(json!({"tierId": b.tier_id})),
            ));
            p
        }),
        ("delete", "/api/v1/external-user-groups/{id}", |c| {
            by_id(
                c,
                Method::DELETE,
                "external-user-groups",
                &c.w.b.group_id,
                None,
            )
        }),
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
                        .header("cookie", format!("{SESSION_COOKIE}={}", a.session)),
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
