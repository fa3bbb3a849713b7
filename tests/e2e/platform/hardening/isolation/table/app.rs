//! The table's rows for accounts and sessions, the gateway's probes, and the App family's
//! users, tokens and integrations.

use reqwest::Method;
use serde_json::json;

use super::{status, Expect, Row, ORIGIN, SESSION_COOKIE};

pub(super) fn rows() -> Vec<Row> {
    vec![
        ("get", "/healthz", |c| {
            c.anon(Method::GET, "/healthz", None, status(&[200]))
        }),
        ("get", "/readyz", |c| {
            c.anon(Method::GET, "/readyz", None, status(&[200]))
        }),
        // Accounts are global: B's email is taken (422) and B's password check is a 401.
        ("post", "/api/auth/sign-up/email", |c| {
            let body = json!({"email": c.w.b.member_email, "password": "probe pass phrase", "name": "Probe"});
            c.anon(
                Method::POST,
                "/api/auth/sign-up/email",
                Some(body),
                status(&[422]),
            )
        }),
        // The mail flows answer alike for any email (503 where no mail is configured), and
        // no one's link is guessable: a made-up token is refused.
        ("post", "/api/auth/send-verification-email", |c| {
            let body = json!({"email": c.w.b.owner_email});
            c.anon(
                Method::POST,
                "/api/auth/send-verification-email",
                Some(body),
                status(&[200, 503]),
            )
        }),
        ("post", "/api/auth/request-password-reset", |c| {
            let body = json!({"email": c.w.b.owner_email});
            c.anon(
                Method::POST,
                "/api/auth/request-password-reset",
                Some(body),
                status(&[200, 503]),
            )
        }),
        ("get", "/api/auth/verify-email", |c| {
            c.anon(
                Method::GET,
                "/api/auth/verify-email?token=rlnk_made_up",
                None,
                status(&[401]),
            )
        }),
        ("get", "/api/auth/reset-password/{token}", |c| {
            c.anon(
                Method::GET,
                "/api/auth/reset-password/rlnk_made_up",
                None,
                status(&[400]),
            )
        }),
        ("post", "/api/auth/reset-password", |c| {
            let body = json!({"newPassword": "probe pass phrase 42", "token": "rlnk_made_up"});
            c.anon(
                Method::POST,
                "/api/auth/reset-password",
                Some(body),
                status(&[400]),
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
        // The account's own settings and sessions: B's session is not A's to end (404);
        // an API token is no session (401), which keeps A's sessions for later probes.
        ("post", "/api/auth/change-password", |c| {
            let body =
                json!({"currentPassword": c.w.a.password, "newPassword": "probe pass phrase two"});
            token_only(c, "/api/auth/change-password", Some(body))
        }),
        ("post", "/api/auth/update-user", |c| {
            let req = c
                .app_client()
                .anon(Method::POST, "/api/auth/update-user")
                .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session))
                .header("origin", ORIGIN);
            let body = Some(json!({"image": "https://img.example/a.png"}));
            vec![c.probe(
                "POST /api/auth/update-user [A session]".into(),
                req,
                &body,
                status(&[200]),
            )]
        }),
        ("get", "/api/auth/list-sessions", |c| {
            let req = c
                .app_client()
                .anon(Method::GET, "/api/auth/list-sessions")
                .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session));
            vec![c.probe(
                "GET /api/auth/list-sessions [A session]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        ("post", "/api/auth/revoke-session", |c| {
            let req = c
                .app_client()
                .anon(Method::POST, "/api/auth/revoke-session")
                .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session))
                .header("origin", ORIGIN);
            let body = Some(json!({"token": c.w.b.session}));
            vec![c.probe(
                "POST /api/auth/revoke-session [A session, B's session]".into(),
                req,
                &body,
                status(&[404]),
            )]
        }),
        ("post", "/api/auth/revoke-sessions", |c| {
            token_only(c, "/api/auth/revoke-sessions", None)
        }),
        ("post", "/api/auth/revoke-other-sessions", |c| {
            token_only(c, "/api/auth/revoke-other-sessions", None)
        }),
        // A's orgs only (the answer must not name B's).
        ("get", "/api/auth/organization/list", |c| {
            let req = c
                .app_client()
                .anon(Method::GET, "/api/auth/organization/list")
                .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session));
            vec![c.probe(
                "GET /api/auth/organization/list [A session]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        // B's org, by id and by slug, is no org of A's: 404, and A's session stays in A.
        ("post", "/api/auth/organization/set-active", |c| {
            [
                json!({"organizationId": c.w.b.org_id}),
                json!({"organizationSlug": c.w.b.slug}),
            ]
            .into_iter()
            .map(|body| {
                let req = c
                    .app_client()
                    .anon(Method::POST, "/api/auth/organization/set-active")
                    .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session))
                    .header("origin", ORIGIN);
                let mut probe = c.probe(
                    format!("POST /api/auth/organization/set-active {body} [A session]"),
                    req,
                    &Some(body),
                    status(&[404]),
                );
                probe.echo = vec![c.w.b.org_id.clone(), c.w.b.slug.clone()];
                probe
            })
            .collect()
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
        ("patch", "/api/v1/app/user/{id}", |c| {
            let body = json!({"metadata": {"plan": "set by A"}});
            c.app(
                Method::PATCH,
                &format!("/user/{}", c.w.b.member_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("delete", "/api/v1/app/user/{id}", |c| {
            c.app(
                Method::DELETE,
                &format!("/user/{}", c.w.b.member_id),
                None,
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
        // Groups
        ("get", "/api/v1/app/groups", |c| {
            let mut p = c.app(Method::GET, "/groups", None, status(&[200]));
            p.extend(c.app(
                Method::GET,
                &format!("/groups?search={}", c.w.b.label),
                None,
                Expect::EmptyList,
            ));
            p
        }),
        ("post", "/api/v1/app/groups", |c| {
            // B's member in A's new group.
            let body = json!({"display_name": "Probe group", "members": [c.w.b.member_id]});
            c.app(Method::POST, "/groups", Some(body), status(&[404]))
        }),
        ("get", "/api/v1/app/groups/{id}", |c| {
            let path = format!("/groups/{}", c.w.b.org_group_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("patch", "/api/v1/app/groups/{id}", |c| {
            let path = format!("/groups/{}", c.w.b.org_group_id);
            let body = json!({"display_name": "Renamed by A"});
            c.app(Method::PATCH, &path, Some(body), status(&[404]))
        }),
        ("delete", "/api/v1/app/groups/{id}", |c| {
            let path = format!("/groups/{}", c.w.b.org_group_id);
            c.app(Method::DELETE, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/groups/{id}/members", |c| {
            let path = format!("/groups/{}/members", c.w.b.org_group_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("post", "/api/v1/app/groups/{id}/members", |c| {
            // B's member into B's group, and B's member into A's group.
            let (a, b) = (&c.w.a, &c.w.b);
            let body = json!({"user_id": b.member_id});
            let mut p = c.app(
                Method::POST,
                &format!("/groups/{}/members", b.org_group_id),
                Some(body.clone()),
                status(&[404]),
            );
            p.extend(c.app(
                Method::POST,
                &format!("/groups/{}/members", a.org_group_id),
                Some(body),
                status(&[404]),
            ));
            p
        }),
        ("delete", "/api/v1/app/groups/{id}/members/{user_id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::DELETE,
                &format!("/groups/{}/members/{}", b.org_group_id, b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::DELETE,
                &format!("/groups/{}/members/{}", a.org_group_id, b.member_id),
                None,
                status(&[404]),
            ));
            p
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
        // SCIM tokens: B's is a 404.
        ("get", "/api/v1/app/scim-tokens", |c| {
            c.app(Method::GET, "/scim-tokens", None, status(&[200]))
        }),
        ("post", "/api/v1/app/scim-tokens", |c| {
            c.app(
                Method::POST,
                "/scim-tokens",
                Some(json!({"name": "probe"})),
                status(&[201]),
            )
        }),
        ("delete", "/api/v1/app/scim-tokens/{id}", |c| {
            c.app(
                Method::DELETE,
                &format!("/scim-tokens/{}", c.w.b.scim_token_id),
                None,
                status(&[404]),
            )
        }),
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
    ]
}

/// An account route called with A's API token: no session, so a 401 that changes nothing.
fn token_only(
    c: &super::Ctx<'_>,
    path: &'static str,
    body: Option<serde_json::Value>,
) -> Vec<super::Probe> {
    let req = c
        .app_client()
        .anon(Method::POST, path)
        .bearer_auth(&c.w.a.admin.token);
    vec![c.probe(format!("POST {path} [A token]"), req, &body, status(&[401]))]
}
