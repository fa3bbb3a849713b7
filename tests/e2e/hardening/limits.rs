//! Limits: bodies over 1 MiB are a 413 on every operation that takes a body, over-long
//! strings are a 400 wherever a string is accepted (body fields, query parameters, the
//! `x-org` header), and the credential endpoints are rate limited with 429, `Retry-After`
//! and `RateLimit-*` headers.

use std::collections::BTreeSet;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{json, problem, TestApp};
use serde_json::{json, Map, Value};

use super::operations::{document, operations, operations_of, resolve, Operation};
use super::tenants::World;
use crate::slack::{command_body, now, sign, Slack};

/// Longer than any bound of any field (the longest, project contexts, is 20 000).
const LONG_BODY_STRING: usize = 100_000;
/// Longer than any bound of any query parameter or header, short enough for a URL.
const LONG_QUERY_STRING: usize = 5_000;

/// Who an operation is called as, by its family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    App,
    Slack,
    External,
    Anonymous,
}

fn family(path: &str) -> Family {
    if path.starts_with("/api/v1/app") {
        Family::App
    } else if path == "/work-apps/slack/commands"
        || path.starts_with("/work-apps/slack/oauth_redirect")
        || path.starts_with("/work-apps/slack/connect")
        || path.starts_with("/api/auth")
    {
        Family::Anonymous
    } else if path.starts_with("/work-apps/slack") {
        Family::Slack
    } else {
        Family::External
    }
}

/// A request as tenant A for an operation of this family.
fn request(w: &World, method: &str, path: &str) -> RequestBuilder {
    let app = &w.slack.app;
    let a = &w.a;
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    match family(path) {
        Family::App => app.as_user(&a.admin.token, &a.slug, method, path),
        Family::Slack => app.anon(method, path).bearer_auth(&a.admin.token),
        Family::External => app.external(&a.api_key, method, path),
        Family::Anonymous => app.anon(method, path),
    }
}

/// The document's path with its parameters filled with ids of tenant A.
fn concrete(w: &World, path: &str) -> String {
    let a = &w.a;
    let project = format!("/project/{}", a.project_id);
    let user = format!("/user/{}", a.member_id);
    path.replace("/project/{id}", &project)
        .replace("/user/{id}", &user)
        .replace("{artifact_id}", &a.artifact_id)
        .replace("{user_id}", &a.member_id)
        .replace(
            "/workspaces/{id}",
            &format!("/workspaces/{}", a.workspace_id),
        )
        .replace("{key_id}", &a.api_key_id)
        .replace("/tokens/{id}", &format!("/tokens/{}", a.token_id))
        .replace(
            "/integrations/{id}",
            &format!("/integrations/{}", a.integration_id),
        )
        .replace(
            "/external-users/{id}",
            &format!("/external-users/{}", a.external_user_id),
        )
        .replace("/channels/{id}", &format!("/channels/{}", a.channel_id))
        .replace("/tiers/{id}", &format!("/tiers/{}", a.tier_id))
        .replace(
            "/external-user-groups/{id}",
            &format!("/external-user-groups/{}", a.group_id),
        )
        .replace("{teamId}", "T0NOSUCH")
}

/// A valid call of an operation as A: its query string and JSON body, from which one
/// string at a time is made over-long.
fn base(w: &World, op: &Operation) -> Option<(String, Value)> {
    let a = &w.a;
    let q = |s: &str| s.to_owned();
    Some(match (op.method.as_str(), op.path.as_str()) {
        ("post", "/api/auth/sign-up/email") => (
            q(""),
            json!({"email": "newcomer@acme.test", "password": "long enough pass", "name": "New"}),
        ),
        ("post", "/api/auth/sign-in/email") => (
            q(""),
            json!({"email": a.owner_email, "password": a.password}),
        ),
        ("get", "/api/v1/app/user") => (q("search=member"), Value::Null),
        ("post", "/api/v1/app/user") => (
            q(""),
            json!({"role": "AppMember", "user_info": {"email": "another@acme.test", "name": "Another"}}),
        ),
        ("put", "/api/v1/app/user/{id}") => (q(""), json!({"name": "Renamed"})),
        ("post", "/api/v1/app/tokens") => (q(""), json!({"name": "limits"})),
        ("post", "/api/v1/app/user/integrations") => (q(""), json!({"type": "Notion"})),
        ("post", "/api/v1/app/project") => (q(""), json!({"name": "Limits"})),
        ("put", "/api/v1/app/project/{id}") => (q(""), json!({})),
        ("post", "/api/v1/app/project/{id}/member") => {
            (q(""), json!({"user_id": a.owner_id, "role": "Viewer"}))
        }
        ("put", "/api/v1/app/project/{id}/member/{user_id}") => (q(""), json!({"role": "Editor"})),
        ("get", "/api/v1/app/project/{id}/artifact") => (q(""), Value::Null),
        ("post", "/api/v1/app/project/{id}/artifact") => {
            (q(""), json!({"name": "Limits", "type": "Document"}))
        }
        ("patch", "/api/v1/app/project/{id}/artifact/{artifact_id}") => (q(""), json!({})),
        ("post", "/api/v1/app/workspaces") | ("post", "/api/v1/app/workspaces/{id}/api-keys") => {
            (q(""), json!({"name": "Limits"}))
        }
        ("post", "/api/v1/external-users/authenticate") => (
            q(""),
            json!({"channelId": a.channel_id, "externalId": null, "id": null, "identifier": "limits@acme.test"}),
        ),
        ("get", "/api/v1/external-users") | ("get", "/api/v1/external-user-groups") => {
            (q(""), Value::Null)
        }
        ("post", "/api/v1/external-users") => (
            q(""),
            json!({"channelId": a.channel_id, "identifier": "limits2@acme.test"}),
        ),
        ("patch", "/api/v1/external-users/{id}")
        | ("patch", "/api/v1/external-user-groups/{id}") => (q(""), json!({})),
        ("post", "/api/v1/channels")
        | ("patch", "/api/v1/channels/{id}")
        | ("post", "/api/v1/tiers")
        | ("patch", "/api/v1/tiers/{id}")
        | ("post", "/api/v1/external-user-groups") => (q(""), json!({"name": "Limits"})),
        ("post", "/work-apps/slack/users/link/verify-token") => {
            (q(""), json!({"token": "x", "userId": a.admin.user_id}))
        }
        ("get", "/work-apps/slack/users/link-status") => (
            format!(
                "slackUserId=U0NOSUCH&slackTeamId={}&tenantId=acme",
                a.team_id
            ),
            Value::Null,
        ),
        ("get", "/work-apps/slack/users/status") => (
            format!("userId={}&tenantId=acme", a.admin.user_id),
            Value::Null,
        ),
        ("post", "/work-apps/slack/users/disconnect") => (q(""), json!({"tenantId": "acme"})),
        ("post", "/work-apps/slack/users/connect") => (
            q(""),
            json!({"userId": a.admin.user_id, "tenantId": "acme"}),
        ),
        ("get", "/work-apps/slack/workspaces")
        | ("delete", "/work-apps/slack/workspaces/{teamId}")
        | ("get", "/work-apps/slack/install") => (q("tenantId=acme"), Value::Null),
        ("post", "/work-apps/slack/workspaces") => (
            q(""),
            json!({"teamId": "T0LIMITS", "teamName": "Limits", "tenantId": "acme"}),
        ),
        // These need a browser that went through Slack: no base call is valid.
        ("get", "/work-apps/slack/oauth_redirect")
        | ("get", "/work-apps/slack/connect/callback") => (q("code=c&state=s"), Value::Null),
        ("get", "/work-apps/slack/connect") => (
            format!("tenantId={}&sessionToken={}", a.org_id, a.connect_token),
            Value::Null,
        ),
        _ => return None,
    })
}

/// The string-valued leaves of a schema, as paths of property names.
fn string_leaves(doc: &Value, schema: &Value, path: &[String], out: &mut Vec<Vec<String>>) {
    if path.len() > 4 {
        return;
    }
    let schema = resolve(doc, schema);
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            for alternative in alternatives {
                string_leaves(doc, alternative, path, out);
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let mut next = path.to_vec();
            next.push(name.clone());
            string_leaves(doc, prop, &next, out);
        }
    }
    if (types.contains(&"string") || schema.get("enum").is_some())
        && !path.is_empty()
        && !out.contains(&path.to_vec())
    {
        out.push(path.to_vec());
    }
}

/// The query parameters of an operation that take text (or lists of text).
fn string_params(doc: &Value, op: &Operation, location: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in op.op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(doc, p);
        if p["in"] != location {
            continue;
        }
        let schema = resolve(doc, &p["schema"]);
        let is_text = |s: &Value| {
            s["type"] == "string"
                || s["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("string")))
        };
        let items = resolve(doc, &schema["items"]);
        if is_text(schema) || (schema["type"] == "array" && is_text(items)) {
            out.push(p["name"].as_str().unwrap().to_owned());
        }
    }
    out
}

fn set_path(body: &mut Value, path: &[String], value: Value) {
    if !body.is_object() {
        *body = Value::Object(Map::new());
    }
    let mut at = body;
    for (i, key) in path.iter().enumerate() {
        let map = at.as_object_mut().unwrap();
        if i + 1 == path.len() {
            map.insert(key.clone(), value);
            return;
        }
        let next = map.entry(key.clone()).or_insert_with(|| json!({}));
        if !next.is_object() {
            *next = json!({});
        }
        at = next;
    }
}

/// Replaces (or adds) one query parameter.
fn with_param(query: &str, name: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs.retain(|(k, _)| k != name);
    pairs.push((name.to_owned(), value.to_owned()));
    serde_urlencoded::to_string(pairs).unwrap()
}

/// Whether a problem names the field (its full path, or its last segment).
fn names_field(problem: &Value, path: &[String]) -> bool {
    let full = path.join(".");
    let last = path.last().map(String::as_str).unwrap_or_default();
    problem["errors"].as_array().into_iter().flatten().any(|e| {
        let f = e["field"].as_str().unwrap_or_default();
        f == full || f == last || f.ends_with(&format!(".{last}"))
    })
}

#[tokio::test]
async fn every_body_over_one_mib_is_413() {
    let world = World::new().await;
    let ops = operations(&world.slack.app).await;
    let with_body: Vec<&Operation> = ops.iter().filter(|op| op.takes_body()).collect();
    assert!(
        with_body.len() >= 25,
        "{} operations take a body",
        with_body.len()
    );
    let mut tried = 0;
    let mut failures = Vec::new();
    for op in &with_body {
        let form = op.body_type().as_deref() == Some("application/x-www-form-urlencoded");
        let filler = "x".repeat(1 << 20);
        let (content_type, body) = if form {
            (
                "application/x-www-form-urlencoded",
                format!("text={filler}"),
            )
        } else {
            ("application/json", format!("{{\"name\": \"{filler}\"}}"))
        };
        let path = concrete(&world, &op.path);
        for chunked in [false, true] {
            tried += 1;
            let req = request(&world, &op.method, &path).header("content-type", content_type);
            let req = if chunked {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
                    .as_bytes()
                    .chunks(64 * 1024)
                    .map(|c| Ok(c.to_vec()))
                    .collect();
                req.body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                    chunks,
                )))
            } else {
                req.body(body.clone())
            };
            let how = if chunked {
                "chunked"
            } else {
                "with Content-Length"
            };
            match req.send().await {
                Ok(res) => {
                    let (status, problem) = json(res).await;
                    if status != 413 || problem["code"] != "payload_too_large" {
                        failures.push(format!("{} {path} ({how}): {status} {problem}", op.method));
                    }
                }
                Err(e) => failures.push(format!("{} {path} ({how}): {e}", op.method)),
            }
        }
    }
    eprintln!(
        "limits: {} operations with a body, {tried} requests over 1 MiB, {} failures",
        with_body.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_over_long_string_is_400() {
    let world = World::new().await;
    let doc = document(&world.slack.app).await;
    let ops = operations_of(&doc);
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    let mut tried = 0;
    let mut fields = BTreeSet::new();
    let long_body = "y".repeat(LONG_BODY_STRING);
    let long_query = "y".repeat(LONG_QUERY_STRING);
    for op in &ops {
        let mut leaves = Vec::new();
        let json_body = op.body_type().as_deref() == Some("application/json");
        if json_body {
            let schema = &op.op["requestBody"]["content"]["application/json"]["schema"];
            string_leaves(&doc, schema, &[], &mut leaves);
        }
        let params = string_params(&doc, op, "query");
        let headers = string_params(&doc, op, "header");
        if leaves.is_empty() && params.is_empty() && headers.is_empty() {
            continue;
        }
        let path = concrete(&world, &op.path);
        let label = format!("{} {}", op.method.to_uppercase(), op.path);
        let required = op.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["in"] == "query" && p["required"] == true);
        let (query, body) = match base(&world, op) {
            Some(found) => found,
            None if leaves.is_empty() && !required => (String::new(), Value::Null),
            None => {
                missing.push(label);
                continue;
            }
        };
        let url = |query: &str| {
            if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{query}")
            }
        };
        for leaf in &leaves {
            let mut long = body.clone();
            set_path(&mut long, leaf, json!(long_body));
            tried += 1;
            fields.insert(format!("{label} {}", leaf.join(".")));
            let res = request(&world, &op.method, &url(&query))
                .json(&long)
                .send()
                .await
                .unwrap();
            let (status, problem) = json(res).await;
            if status != 400 || !names_field(&problem, leaf) {
                failures.push(format!(
                    "{label} body {}: {status} {problem}",
                    leaf.join(".")
                ));
            }
        }
        for param in &params {
            tried += 1;
            fields.insert(format!("{label} ?{param}"));
            let res = request(
                &world,
                &op.method,
                &url(&with_param(&query, param, &long_query)),
            )
            .send()
            .await
            .unwrap();
            let (status, problem) = json(res).await;
            if status != 400 {
                failures.push(format!("{label} query {param}: {status} {problem}"));
            }
        }
        for header in &headers {
            if header.starts_with("X-Slack") {
                // Slack's signature headers are a credential: a bad one is a 401.
                continue;
            }
            tried += 1;
            fields.insert(format!("{label} {header}:"));
            // Only the App family takes a header parameter (`x-org`): sent once, too long.
            assert_eq!(family(&op.path), Family::App, "{label}");
            let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
            let mut req = world
                .slack
                .app
                .anon(method, &url(&query))
                .bearer_auth(&world.a.admin.token)
                .header(header.as_str(), long_query.as_str());
            if !body.is_null() {
                req = req.json(&body);
            }
            let (status, problem) = json(req.send().await.unwrap()).await;
            if status != 400 {
                failures.push(format!("{label} header {header}: {status} {problem}"));
            }
        }
    }
    // The slash command's form fields (the document shows the body as one string).
    for field in [
        "team_id",
        "user_id",
        "user_name",
        "command",
        "text",
        "enterprise_id",
    ] {
        tried += 1;
        fields.insert(format!("POST /work-apps/slack/commands form {field}"));
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(&command_body(
            &world.a.team_id,
            "U0LIMITS",
            "limits",
            "help",
        ))
        .unwrap();
        pairs.retain(|(k, _)| k != field);
        pairs.push((field.to_owned(), long_query.clone()));
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let res = slash_command(&world.slack, &body).await;
        let (status, problem) = json(res).await;
        if status != 400 || !names_field(&problem, &[field.to_owned()]) {
            failures.push(format!(
                "POST /work-apps/slack/commands form {field}: {status} {problem}"
            ));
        }
    }
    eprintln!(
        "limits: {} string inputs, {tried} over-long requests, {} failures",
        fields.len(),
        failures.len()
    );
    assert!(
        missing.is_empty(),
        "operations taking text without a base call in this table: {missing:?}"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn slash_command(slack: &Slack, body: &str) -> reqwest::Response {
    let ts = now().to_string();
    slack
        .app
        .anon(Method::POST, "/work-apps/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(&ts, body))
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 with `Retry-After` and the `RateLimit-*` headers for `limit`.
async fn assert_limited(res: reqwest::Response, limit: u32) {
    let header = |name: &str| {
        res.headers()
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let retry: u64 = header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(header("ratelimit-limit"), limit.to_string());
    assert_eq!(header("ratelimit-remaining"), "0");
    let reset: u64 = header("ratelimit-reset").parse().unwrap();
    assert!((1..=60).contains(&reset), "{reset}");
    problem(res, 429, "too_many_requests").await;
}

#[tokio::test]
async fn authenticate_is_rate_limited_per_api_key_and_per_client() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_authenticate_per_key = 3;
        c.rate_limit_authenticate_per_client = 6;
    })
    .await;
    let workspace = app.workspace().await;
    let channel = app.channel(&workspace.api_key, "Website").await;
    let (status, second) = json(
        app.admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{}/api-keys", workspace.id),
        )
        .json(&json!({"name": "second"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    let second = second["secret"].as_str().unwrap().to_owned();
    let attempt = |key: &str| {
        app.external(key, Method::POST, "/api/v1/external-users/authenticate")
            .json(&json!({"channelId": channel, "externalId": null, "id": null, "identifier": "ada@example.com"}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(attempt(&workspace.api_key).await.unwrap().status(), 200);
    }
    assert_limited(attempt(&workspace.api_key).await.unwrap(), 3).await;
    // Another key has its own count, until the address has made 6 attempts.
    assert_eq!(attempt(&second).await.unwrap().status(), 200);
    // A wrong key counts against the address too.
    assert_eq!(attempt("rxk_wrong").await.unwrap().status(), 401);
    assert_limited(attempt(&second).await.unwrap(), 6).await;
    assert_limited(attempt("rxk_wrong").await.unwrap(), 6).await;
    // Other endpoints of the family are not limited.
    let res = app
        .external(&second, Method::GET, "/api/v1/channels")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn slack_commands_are_rate_limited_per_slack_user_and_per_client() {
    let fake = crate::slack::FakeSlack::start();
    let app = TestApp::spawn_with(|c| {
        c.slack.signing_secret = Some(roster_gateway::config::Secret(
            crate::slack::SIGNING_SECRET.as_bytes().to_vec(),
        ));
        c.rate_limit_slack_commands_per_user = 2;
        c.rate_limit_slack_commands_per_client = 5;
    })
    .await;
    let slack = Slack {
        app,
        fake,
        browser: crate::slack::browser(),
    };
    slack.register("T0RATE", "Rate").await;
    for _ in 0..2 {
        let res = slack.command("T0RATE", "U0ONE", "one", "status").await;
        assert_eq!(res.status(), 200);
    }
    assert_limited(slack.command("T0RATE", "U0ONE", "one", "status").await, 2).await;
    // The same user id in another team is another Slack user.
    assert_eq!(
        slack
            .command("T0OTHER", "U0ONE", "one", "help")
            .await
            .status(),
        200
    );
    // An unsigned request counts against the address (and is a 401).
    let res = slack
        .app
        .anon(Method::POST, "/work-apps/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(command_body("T0RATE", "U0TWO", "two", "help"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_limited(slack.command("T0RATE", "U0TWO", "two", "help").await, 5).await;
}

#[tokio::test]
async fn exactly_the_credential_endpoints_document_429() {
    let app = TestApp::spawn().await;
    let limited: BTreeSet<String> = operations(&app)
        .await
        .iter()
        .filter(|op| op.responds("429"))
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    let expected: BTreeSet<String> = [
        "post /api/auth/sign-in/email",
        "post /api/auth/sign-up/email",
        "post /api/v1/external-users/authenticate",
        "post /work-apps/slack/commands",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(limited, expected);
}
