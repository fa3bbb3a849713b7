//! How a row of the table builds its requests: as tenant A, by family.

use reqwest::{Method, RequestBuilder};
use roster_e2e::TestApp;
use serde_json::Value;

use super::{status, Expect, Probe};
use crate::platform::hardening::tenants::{CrossFlow, World};
use crate::slack::{command_body, now, sign};

/// Builds the probes of a route from the world.
pub struct Ctx<'a> {
    pub w: &'a World,
    /// Shows redirects instead of following them (the OAuth legs answer 302).
    pub client: reqwest::Client,
}

const APP: &str = "/api/v1/app";
pub const SESSION_COOKIE: &str = "better-auth.session_token";
/// The origin the test gateway trusts (its public URL's): session writes send it.
pub const ORIGIN: &str = "http://127.0.0.1:8080";

/// Requests through a client that does not follow redirects.
pub struct Requests<'a> {
    app: &'a TestApp,
    client: &'a reqwest::Client,
}

impl Requests<'_> {
    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.app.url(path))
    }

    pub fn as_user(&self, token: &str, org: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path)
            .bearer_auth(token)
            .header("x-org", org)
    }

    pub fn external(&self, api_key: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path).header("authorization", api_key)
    }
}

impl Ctx<'_> {
    pub fn app_client(&self) -> Requests<'_> {
        Requests {
            app: &self.w.slack.app,
            client: &self.client,
        }
    }

    pub fn with_body(req: RequestBuilder, body: &Option<Value>) -> RequestBuilder {
        match body {
            Some(b) => req.json(b),
            None => req,
        }
    }

    pub fn probe(
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
    /// cookie), as A's member (token), and with A's token naming B's org in `x-org` (403:
    /// not a user there).
    pub fn app(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect,
    ) -> Vec<Probe> {
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
                    .header("cookie", format!("{SESSION_COOKIE}={}", a.session))
                    .header("origin", ORIGIN),
                &body,
                expect.clone(),
            ),
            self.probe(
                format!("{method} {url} [A member token]"),
                app.as_user(&a.member_token, &a.slug, method.clone(), &url),
                &body,
                or_forbidden(&expect),
            ),
            self.probe(
                format!("{method} {url} [A token, x-org B]"),
                app.as_user(&a.admin.token, &b.slug, method, &url),
                &body,
                status(&[403]),
            ),
        ]
    }

    /// A Slack-family call with A's admin token, A's second admin's session and A's
    /// member's token.
    pub fn slack(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect,
    ) -> Vec<Probe> {
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
                app.anon(method.clone(), &url)
                    .header("cookie", format!("{SESSION_COOKIE}={}", a.session))
                    .header("origin", ORIGIN),
                &body,
                expect.clone(),
            ),
            self.probe(
                format!("{method} {url} [A member token]"),
                app.anon(method, &url).bearer_auth(&a.member_token),
                &body,
                or_forbidden(&expect),
            ),
        ]
    }

    /// An external-family call with A's workspace API key.
    pub fn external(
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

    /// A SCIM call with A's SCIM token, and the same with A's admin API token (401: no
    /// other credential works on /scim/v2).
    pub fn scim(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect,
    ) -> Vec<Probe> {
        let app = self.app_client();
        vec![
            self.probe(
                format!("{method} {path} [A SCIM token]"),
                app.anon(method.clone(), path)
                    .bearer_auth(&self.w.a.scim_token),
                &body,
                expect,
            ),
            self.probe(
                format!("{method} {path} [A API token]"),
                app.as_user(&self.w.a.admin.token, &self.w.a.slug, method, path),
                &body,
                super::status(&[401]),
            ),
        ]
    }

    /// A call without credentials (sign-in, OAuth legs, probes).
    pub fn anon(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect,
    ) -> Vec<Probe> {
        let req = self.app_client().anon(method.clone(), path);
        vec![self.probe(format!("{method} {path} [anonymous]"), req, &body, expect)]
    }

    /// A slash command signed as Slack would send it, from A's Slack team.
    pub fn command(&self, user_id: &str, text: &str, expect: Expect) -> Vec<Probe> {
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

/// What an AppMember may answer instead: also 403 where the role is too low (which does
/// not depend on the id, so it tells nothing of B).
fn or_forbidden(expect: &Expect) -> Expect {
    match expect {
        Expect::Status(codes) => {
            let mut codes = codes.clone();
            codes.push(403);
            Expect::Status(codes)
        }
        Expect::EmptyList => Expect::EmptyList,
    }
}

/// Finishes an OAuth flow of A in the browser that started it.
pub fn cross_flow(c: &Ctx<'_>, flow: &CrossFlow, path: &str, want: u16) -> Probe {
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
pub fn artifact(c: &Ctx<'_>, method: Method, body: Option<Value>) -> Vec<Probe> {
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
pub fn by_id(
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
