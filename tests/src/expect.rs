//! A request and what its answer must be, in one line: `.ok()`, `.created()`,
//! `.no_content()`, `.redirect()`, `.problem(status, code)`, `.status(status)`, `.listed()`. A failed
//! expectation panics with the method, path, status and body, so that it explains itself.

use std::fmt;
use std::future::Future;

use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
use serde_json::Value;

/// An answer read whole, with the request it answers, to assert on.
#[derive(Debug)]
pub struct Reply {
    /// `METHOD /path?query` of the request, and the start of its body.
    pub request: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}: {}", self.request, self.status, self.text)
    }
}

impl Reply {
    /// Reads a response whole; `request` names it in failures.
    pub async fn read(request: String, res: reqwest::Response) -> Self {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("read the body");
        Self {
            request,
            status,
            headers,
            text,
        }
    }

    /// Asserts the status; returns the reply for more.
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "{self}");
        self
    }

    /// The body as JSON, asserted to be JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("body is not JSON: {self}"))
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `X-Total-Count`, the external family's total of a list.
    pub fn total(&self) -> Option<i64> {
        self.header("x-total-count").and_then(|v| v.parse().ok())
    }

    /// Asserts a problem+json error with this status and code; returns the body.
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{self}");
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{self}"
        );
        let body = self.json();
        assert_eq!(body["status"], status, "{self}");
        assert_eq!(body["code"], code, "{self}");
        assert_eq!(
            body["detail"], body["error"],
            "error repeats detail: {self}"
        );
        assert!(
            body["title"].is_string() && body["type"] == "about:blank",
            "{self}"
        );
        body
    }

    /// Asserts a SCIM error (RFC 7644 §3.12) with this status and `scimType` (`None`: no
    /// `scimType`), `application/scim+json`; returns the body.
    pub fn scim_error(&self, status: u16, scim_type: Option<&str>) -> Value {
        assert_eq!(self.status, status, "{self}");
        assert_eq!(
            self.header("content-type"),
            Some("application/scim+json"),
            "{self}"
        );
        let body = self.json();
        assert_eq!(
            body["schemas"],
            serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"]),
            "{self}"
        );
        assert_eq!(
            body["status"],
            status.to_string(),
            "status is a string: {self}"
        );
        assert_eq!(body["scimType"].as_str(), scim_type, "{self}");
        assert!(body["detail"].is_string(), "{self}");
        body
    }
}

/// Sends a request and asserts its answer.
pub trait Expect: Sized + Send {
    /// The answer, whatever its status.
    fn reply(self) -> impl Future<Output = Reply> + Send;

    /// The answer, asserted to have this status.
    fn status(self, status: u16) -> impl Future<Output = Reply> + Send {
        async move { self.reply().await.expect(status) }
    }

    /// A 200 with a JSON body; returns the body.
    fn ok(self) -> impl Future<Output = Value> + Send {
        async move { self.status(200).await.json() }
    }

    /// A 201 with a JSON body; returns the body.
    fn created(self) -> impl Future<Output = Value> + Send {
        async move { self.status(201).await.json() }
    }

    /// A 201 with a `Location` and a JSON body; returns both.
    fn created_at(self) -> impl Future<Output = (String, Value)> + Send {
        async move {
            let reply = self.status(201).await;
            let location = reply
                .header("location")
                .unwrap_or_else(|| panic!("no Location: {reply}"))
                .to_owned();
            (location, reply.json())
        }
    }

    /// A 302; returns its `Location`.
    fn redirect(self) -> impl Future<Output = String> + Send {
        async move {
            let reply = self.status(302).await;
            reply
                .header("location")
                .unwrap_or_else(|| panic!("no Location: {reply}"))
                .to_owned()
        }
    }

    /// A 204, with no body.
    fn no_content(self) -> impl Future<Output = ()> + Send {
        async move {
            let reply = self.status(204).await;
            assert!(reply.text.is_empty(), "{reply}");
        }
    }

    /// A problem+json error with this status and code; returns the body.
    fn problem(self, status: u16, code: &str) -> impl Future<Output = Value> + Send {
        async move { self.reply().await.problem(status, code) }
    }

    /// A SCIM error with this status and `scimType`; returns the body.
    fn scim_error(
        self,
        status: u16,
        scim_type: Option<&str>,
    ) -> impl Future<Output = Value> + Send {
        let scim_type = scim_type.map(str::to_owned);
        async move { self.reply().await.scim_error(status, scim_type.as_deref()) }
    }

    /// A 200 list of the external family: (`X-Total-Count`, JSON body).
    fn listed(self) -> impl Future<Output = (Option<i64>, Value)> + Send {
        async move {
            let reply = self.status(200).await;
            (reply.total(), reply.json())
        }
    }
}

impl Expect for RequestBuilder {
    async fn reply(self) -> Reply {
        let (client, request) = self.build_split();
        let request = request.expect("build the request");
        let named = describe(&request);
        let res = client
            .execute(request)
            .await
            .unwrap_or_else(|e| panic!("{named}: {e}"));
        Reply::read(named, res).await
    }
}

/// `METHOD /path?query`, and the start of the body when there is one.
fn describe(request: &reqwest::Request) -> String {
    let url = request.url();
    let mut named = format!("{} {}", request.method(), url.path());
    if let Some(query) = url.query() {
        named = format!("{named}?{query}");
    }
    if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
        let body = String::from_utf8_lossy(body);
        let cut = body.char_indices().nth(300).map_or(body.len(), |(i, _)| i);
        named = format!("{named} {}", &body[..cut]);
    }
    named
}
