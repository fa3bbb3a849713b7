//! The table's rows for accounts and sessions, the gateway's probes, and the App family's
//! users, tokens and integrations.

use reqwest::Method;
use serde_json::json;

use super::{status, Expect, Row, SESSION_COOKIE};

pub(super) fn rows() -> Vec<Row> {
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
                    .header("cookie", format!("{SESSION_COOKIE}={}", c.w.a.session));
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
