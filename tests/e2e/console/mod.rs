//! The admin console (`/console/`) over HTTP, as a browser without script uses it: forms,
//! cookies, redirects. The journeys in a real browser are in `cargo xtask test`'s
//! console suite (`tests/console`).

mod external;
mod groups;
mod journeys;
mod refusals;
mod scim_slack;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Reply, TestApp};
use serde_json::json;

/// The origin the test gateway trusts (its configured public URL).
pub const ORIGIN: &str = "http://127.0.0.1:8080";
pub const PASSWORD: &str = "console horse battery";

/// A browser's view of the console: its own cookie jar, redirects not followed.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { app, client }
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.app.url(path))
    }

    /// A form POST from the console's own origin.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> RequestBuilder {
        self.client
            .request(Method::POST, self.app.url(path))
            .header("origin", ORIGIN)
            .form(fields)
    }

    /// A JSON POST from the console's own origin (no form).
    pub fn post_json(&self, path: &str) -> RequestBuilder {
        self.client
            .request(Method::POST, self.app.url(path))
            .header("origin", ORIGIN)
            .json(&json!({"csrf": "x"}))
    }

    /// A page, asserted 200 HTML.
    pub async fn page(&self, path: &str) -> String {
        let reply = self.get(path).status(200).await;
        assert_html(&reply);
        reply.text
    }

    /// Submits a form of the page at `page` (its CSRF token added); returns the answer.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let html = self.page(page).await;
        let token = csrf_of(&html);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).reply().await
    }

    /// A browser signed in as a new person of the admin's org with `role`.
    pub async fn signed_in(app: &'a TestApp, email: &str, role: &str) -> Self {
        person(app, email, role).await;
        let browser = Self::new(app);
        browser.sign_in(email).await;
        browser
    }

    /// A browser signed in as `boss@acme.test`, an AppAdmin of the admin's org.
    pub async fn boss(app: &'a TestApp) -> Self {
        Self::signed_in(app, "boss@acme.test", "AppAdmin").await
    }

    /// Signs in through the form; asserts the 303 to the console.
    pub async fn sign_in(&self, email: &str) {
        let reply = self
            .submit(
                "/console/sign-in",
                "/console/sign-in",
                &[("email", email), ("password", PASSWORD)],
            )
            .await
            .expect(303);
        assert_eq!(reply.header("location"), Some("/console/"));
    }
}

/// The first link of the page to a path that starts with `prefix` (`&amp;` undone).
pub fn href(html: &str, prefix: &str) -> String {
    attribute(html, "href", prefix)
}

/// The first form of the page that posts to a path that starts with `prefix`.
pub fn action(html: &str, prefix: &str) -> String {
    attribute(html, "action", prefix)
}

fn attribute(html: &str, name: &str, prefix: &str) -> String {
    let html = html.replace("&#38;", "&").replace("&amp;", "&");
    let needle = format!("{name}=\"{prefix}");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} to {prefix}: {html}"))
        + name.len()
        + 2;
    html[start..].split('"').next().unwrap().to_owned()
}

/// The value of the input with this id (a secret shown once).
pub fn value_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {html}"));
    let start = html[at..].find("value=\"").unwrap() + at + 7;
    html[start..].split('"').next().unwrap().to_owned()
}

/// The CSRF token in a page's first form.
pub fn csrf_of(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

/// An account with the console's test password, added to the admin's org with `role`.
pub async fn person(app: &TestApp, email: &str, role: &str) -> serde_json::Value {
    app.person(email, PASSWORD, role).await
}

/// A user as the API shows it to the org's admin.
pub async fn api_user(app: &TestApp, id: &str) -> serde_json::Value {
    app.admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await
}

/// Asserts that an answer is an HTML page (the console's pages and its errors).
pub fn assert_html(reply: &Reply) {
    let kind = reply.header("content-type").unwrap_or_default();
    assert!(kind.starts_with("text/html"), "{reply}");
}
