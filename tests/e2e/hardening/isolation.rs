//! Tenant isolation over every route: tenant A's credentials (API token, session cookie,
//! workspace API key, external access token, its Slack team, its browser) against
//! tenant B's ids answer 404, or the family's documented answer for a foreign tenant
//! (403 for a tenant the caller is not a user of; 409 for a Slack team connected
//! elsewhere; 400 for a Slack OAuth state or connect session of another tenant), no byte
//! of B's data appears in any answer, and B's rows are the same afterwards.

use reqwest::{Method, RequestBuilder};
use roster_e2e::TestApp;
use serde_json::{json, Value};

use super::db_scan;
use super::operations::{operations, Operation};
use super::tenants::{CrossFlow, World};
use crate::slack::{command_body, no_redirects, now, sign};

/// What a probe must answer.
#[derive(Debug, Clone)]
pub enum Expect {
    /// One of these statuses.
    Status(Vec<u16>),
    /// 200 with an empty list (a filter on another tenant's ids matches nothing).
    EmptyList,
}

fn status(codes: &[u16]) -> Expect {
    Expect::Status(codes.to_vec())
}

pub struct Probe {
    pub label: String,
    pub req: RequestBuilder,
    pub expect: Expect,
    /// Values of B the caller itself brought into the request (not B's data in Roster),
    /// which the answer may name.
    pub echo: Vec<String>,
}

/// Builds the probes of a route from the world.
pub struct Ctx<'a> {
    pub w: &'a World,
    /// Shows redirects instead of following them (the OAuth legs answer 302).
    pub client: reqwest::Client,
}

const APP: &str = "/api/v1/app";
const SESSION_COOKIE: &str = "better-auth.session_token";

/// Requests through a client that does not follow redirects.
struct Requests<'a> {
    app: &'a TestApp,
    client: &'a reqwest::Client,
}

impl Requests<'_> {
    fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.app.url(path))
    }

    fn as_user(&self, token: &str, org: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path)
            .bearer_auth(token)
            .header("x-org", org)
    }

    fn external(&self, api_key: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path).header("authorization", api_key)
    }
}

impl Ctx<'_> {
    fn app_client(&self) -> Requests<'_> {
        Requests {
            app: &self.w.slack.app,
            client: &self.client,
        }
    }

    fn with_body(req: RequestBuilder, body: &Option<Value>) -> RequestBuilder {
        match body {
            Some(b) => req.json(b),
            None => req,
        }
    }

    fn probe(
        &self,
        label: String,
        req: RequestBuilder,
        body: &Option<Value>,
        expect: Expect,
    ) -> Probe {
        Probe {
            label,
            req: Self::with_body(req, body),
            expect,
            echo: Vec::new(),
        }
    }

    /// An App-family call as A's admin (token, `x-org` A), as A's second admin (session
    /// cookie), and with A's token naming B's org in `x-org` (403: not a user there).
    fn app(&self, method: Method, path: &str, body: Option<Value>, expect: Expect) -> Vec<Probe> {
        let app = self.app_client();
        let (a, b) = (&self.w.a, &self.w.b);
        let url = format!("{APP}{path}");
        vec![
            self.probe(
                format!("{method} {url} [A token]"),
                app.as_user(&a.admin.token, &a.slug, method.clone(), &url),
                &body,
                expect.clone(),
            ),
            self.probe(
                format!("{method} {url} [A session]"),
                app.anon(method.clone(), &url)
                    .header("cookie", format!("{SESSION_COOKIE}={}", a.session)),
                &body,
                expect,
            ),
            self.probe(
                format!("{method} {url} [A token, x-org B]"),
                app.as_user(&a.admin.token, &b.slug, method, &url),
                &body,
                status(&[403]),
            ),
        ]
    }

    /// A Slack-family call with A's admin token and with A's second admin's session.
    fn slack(&self, method: Method, path: &str, body: Option<Value>, expect: Expect) -> Vec<Probe> {
        let app = self.app_client();
        let a = &self.w.a;
        let url = format!("/work-apps/slack{path}");
        vec![
            self.probe(
                format!("{method} {url} [A token]"),
                app.anon(method.clone(), &url).bearer_auth(&a.admin.token),
                &body,
                expect.clone(),
            ),
            self.probe(
                format!("{method} {url} [A session]"),
                app.anon(method, &url)
                    .header("cookie", format!("{SESSION_COOKIE}={}", a.session)),
                &body,
                expect,
            ),
        ]
    }

    /// An external-family call with A's workspace API key.
    fn external(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect,
    ) -> Vec<Probe> {
        let req = self
            .app_client()
            .external(&self.w.a.api_key, method.clone(), path);
        vec![self.probe(format!("{method} {path} [A API key]"), req, &body, expect)]
    }

    /// A call without credentials (sign-in, OAuth legs, probes).
    fn anon(&self, method: Method, path: &str, body: Option<Value>, expect: Expect) -> Vec<Probe> {
        let req = self.app_client().anon(method.clone(), path);
        vec![self.probe(format!("{method} {path} [anonymous]"), req, &body, expect)]
    }

    /// A slash command signed as Slack would send it, from A's Slack team.
    fn command(&self, user_id: &str, text: &str, expect: Expect) -> Vec<Probe> {
        let body = command_body(&self.w.a.team_id, user_id, "probe", text);
        let ts = now().to_string();
        let req = self
            .app_client()
            .anon(Method::POST, "/work-apps/slack/commands")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", &ts)
            .header("x-slack-signature", sign(&ts, &body))
            .body(body);
        vec![Probe {
            label: format!("POST /work-apps/slack/commands [A team, {user_id} {text}]"),
            req,
            expect,
            echo: Vec::new(),
        }]
    }
}

type Probes = fn(&Ctx<'_>) -> Vec<Probe>;

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

/// Finishes an OAuth flow of A in the browser that started it.
fn cross_flow(c: &Ctx<'_>, flow: &CrossFlow, path: &str, want: u16) -> Probe {
    let q =
        serde_urlencoded::to_string([("code", flow.code.as_str()), ("state", flow.state.as_str())])
            .unwrap();
    Probe {
        label: format!("GET {path} [A's browser, Slack names B's team]"),
        req: flow.browser.get(c.w.slack.app.url(&format!("{path}?{q}"))),
        expect: status(&[want]),
        // Slack told A's own browser which team it signed in to; the answer may say so.
        echo: vec![c.w.b.team_id.to_lowercase()],
    }
}

/// An artifact of B under B's project, and under A's project.
fn artifact(c: &Ctx<'_>, method: Method, body: Option<Value>) -> Vec<Probe> {
    let (a, b) = (&c.w.a, &c.w.b);
    let mut p = c.app(
        method.clone(),
        &format!("/project/{}/artifact/{}", b.project_id, b.artifact_id),
        body.clone(),
        status(&[404]),
    );
    p.extend(c.app(
        method,
        &format!("/project/{}/artifact/{}", a.project_id, b.artifact_id),
        body,
        status(&[404]),
    ));
    p
}

/// `/api/v1/{collection}/{id}` with A's API key.
fn by_id(
    c: &Ctx<'_>,
    method: Method,
    collection: &str,
    id: &str,
    body: Option<Value>,
) -> Vec<Probe> {
    c.external(
        method,
        &format!("/api/v1/{collection}/{id}"),
        body,
        status(&[404]),
    )
}

/// Whether a list answer is empty: `[]` (with `X-Total-Count: 0`) or a page with no data.
fn is_empty_list(body: &Value, total_header: Option<&str>) -> bool {
    match body {
        Value::Array(items) => items.is_empty() && total_header == Some("0"),
        Value::Object(page) => {
            page.get("data")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
                && page.get("total_count") == Some(&json!(0))
        }
        _ => false,
    }
}

/// What went wrong with one probe, if anything.
async fn run(probe: Probe, markers: &[String]) -> Option<String> {
    let res = match probe.req.send().await {
        Ok(res) => res,
        Err(e) => return Some(format!("{}: request failed: {e}", probe.label)),
    };
    let code = res.status().as_u16();
    let mut headers = String::new();
    for (name, value) in res.headers() {
        headers.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    let total = res
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    let mut problems = Vec::new();
    match &probe.expect {
        Expect::Status(codes) if !codes.contains(&code) => {
            problems.push(format!("status {code}, expected one of {codes:?}"));
        }
        Expect::EmptyList => {
            let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if code != 200 || !is_empty_list(&value, total.as_deref()) {
                problems.push(format!("expected 200 and an empty list, got {code}"));
            }
        }
        Expect::Status(_) => {}
    }
    let everything = format!("{headers}\n{body}").to_lowercase();
    let leaked: Vec<&String> = markers
        .iter()
        .filter(|m| everything.contains(m.as_str()) && !probe.echo.contains(m))
        .collect();
    if !leaked.is_empty() {
        problems.push(format!("B's data in the answer: {leaked:?}"));
    }
    (!problems.is_empty())
        .then(|| format!("{}: {}; body: {body}", probe.label, problems.join("; ")))
}

/// The rows of the table, checked against the document: every operation has a row and
/// every row an operation.
pub fn rows_for(ops: &[Operation]) -> Vec<(&'static str, &'static str, Probes)> {
    let table = routes();
    let missing: Vec<String> = ops
        .iter()
        .filter(|op| {
            !table
                .iter()
                .any(|(m, p, _)| *m == op.method && *p == op.path)
        })
        .map(|op| format!("{} {}", op.method.to_uppercase(), op.path))
        .collect();
    assert!(
        missing.is_empty(),
        "operations of /openapi.json without a row in the isolation table: {missing:?}"
    );
    let stale: Vec<String> = table
        .iter()
        .filter(|(m, p, _)| !ops.iter().any(|op| op.method == *m && op.path == *p))
        .map(|(m, p, _)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for operations the document lacks: {stale:?}"
    );
    table
}

#[tokio::test]
async fn tenant_a_cannot_reach_or_see_tenant_b_on_any_route() {
    let world = World::new().await;
    let ops = operations(&world.slack.app).await;
    let table = rows_for(&ops);
    let markers: Vec<String> = world.b.markers().into_iter().collect();
    assert!(
        markers.len() > 40,
        "B's setup should leave many markers: {markers:?}"
    );
    let mut conn = world.slack.app.pool.get().await.unwrap();
    let before = db_scan::rows_containing(&mut conn, &world.b.anchors()).await;
    assert!(before.len() > 20, "B's rows: {before:#?}");

    let ctx = Ctx {
        w: &world,
        client: no_redirects(),
    };
    let mut tried = 0;
    let mut failures = Vec::new();
    for (_, _, probes) in &table {
        for probe in probes(&ctx) {
            tried += 1;
            if let Some(failure) = run(probe, &markers).await {
                failures.push(failure);
            }
        }
    }
    let after = db_scan::rows_containing(&mut conn, &world.b.anchors()).await;
    // B's rows, and any row of A that now names B's org, workspace or accounts.
    let changed: Vec<String> = before
        .iter()
        .filter(|r| !after.contains(r))
        .map(|r| format!("B's row changed or gone: {r}"))
        .chain(
            after
                .iter()
                .filter(|r| !before.contains(r))
                .map(|r| format!("new row naming B: {r}")),
        )
        .collect();
    eprintln!(
        "tenant isolation: {} operations, {tried} requests, {} failures, {} rows of B compared, {} changed",
        table.len(),
        failures.len(),
        before.len(),
        changed.len()
    );
    failures.extend(changed);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
