//! The headers of every answer. Before: no `X-Content-Type-Options`, no HSTS, no frame
//! protection, and `Cache-Control: no-store` set by hand on some secret-bearing answers
//! (not the session's). Now the gateway sets them all in one place, and the routes whose
//! answers carry a secret are marked in the route table, checked here against the OpenAPI
//! document.

use std::collections::BTreeSet;

use reqwest::Method;
use roster_e2e::{Expect, Reply, TestApp};
use serde_json::{json, Value};

fn header(res: &Reply, name: &str) -> Option<String> {
    res.header(name).map(str::to_owned)
}

/// The directives of a Content-Security-Policy, by name.
fn directives(policy: &str) -> Vec<(String, Vec<String>)> {
    policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace().map(str::to_owned);
            Some((words.next()?, words.collect()))
        })
        .collect()
}

/// The sources a policy allows for `directive` (falling back to `default-src`).
fn sources(policy: &str, directive: &str) -> Vec<String> {
    let all = directives(policy);
    let find = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone());
    find(directive)
        .or_else(|| find("default-src"))
        .unwrap_or_default()
}

fn assert_guarded(res: &Reply, what: &str) {
    assert_eq!(
        header(res, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header(res, "x-frame-options").as_deref(),
        Some("DENY"),
        "{what}"
    );
    let policy = header(res, "content-security-policy").unwrap_or_default();
    assert_eq!(
        sources(&policy, "frame-ancestors"),
        ["'none'"],
        "{what}: {policy}"
    );
}

#[tokio::test]
async fn every_answer_refuses_sniffing_and_framing_and_hsts_follows_the_public_scheme() {
    let app = TestApp::spawn().await;
    let answers = [
        ("/healthz", app.anon(Method::GET, "/healthz")),
        ("/api/v1/app/me", app.admin(Method::GET, "/api/v1/app/me")),
        ("401", app.anon(Method::GET, "/api/v1/app/me")),
        ("404", app.anon(Method::GET, "/no/such/route")),
        ("405", app.anon(Method::DELETE, "/healthz")),
        ("/openapi.json", app.anon(Method::GET, "/openapi.json")),
        ("/metrics", app.client.get(app.management_url("/metrics"))),
    ];
    for (what, req) in answers {
        let res = req.reply().await;
        assert_guarded(&res, what);
        assert_eq!(
            header(&res, "strict-transport-security"),
            None,
            "{what}: over http"
        );
        let policy = header(&res, "content-security-policy").unwrap();
        assert_eq!(
            sources(&policy, "script-src"),
            ["'none'"],
            "{what}: {policy}"
        );
    }
    // Behind HTTPS (the scheme in any case), answers ask browsers to stay on it.
    let https = TestApp::spawn_with(|c| c.public_url = "HTTPS://roster.example".into()).await;
    for path in ["/healthz", "/no/such/route"] {
        let res = https.anon(Method::GET, path).reply().await;
        let hsts = header(&res, "strict-transport-security").unwrap_or_default();
        assert!(hsts.starts_with("max-age=31536000"), "{path}: {hsts:?}");
    }
}

#[tokio::test]
async fn the_docs_page_keeps_what_swagger_ui_needs_and_nothing_frames_it() {
    let app = TestApp::spawn().await;
    let res = app.anon(Method::GET, "/docs/").status(200).await;
    assert_guarded(&res, "/docs/");
    let policy = header(&res, "content-security-policy").unwrap();
    for (directive, needed) in [
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("style-src", "'unsafe-inline'"),
        ("img-src", "data:"),
        ("connect-src", "'self'"),
    ] {
        assert!(
            sources(&policy, directive).iter().any(|s| s == needed),
            "{directive} lacks {needed}: {policy}"
        );
    }
    // Its scripts are files of the same origin, which 'self' allows: none is inline.
    let html = &res.text;
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "{html}");
    for script in scripts {
        let src = script
            .split("src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("an inline script: {script}"));
        app.anon(
            Method::GET,
            &format!("/docs/{}", src.trim_start_matches("./")),
        )
        .status(200)
        .await;
    }
}

/// The 2xx answers of an operation name a secret field (at any depth) or set a cookie.
fn answers_a_secret(doc: &Value, operation: &Value) -> bool {
    const SECRET_FIELDS: [&str; 4] = ["token", "secret", "accessToken", "sessionToken"];
    fn names_secret(doc: &Value, schema: &Value, seen: &mut BTreeSet<String>) -> bool {
        if !schema.is_object() {
            return false;
        }
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.rsplit('/').next().unwrap().to_owned();
            return seen.insert(name.clone())
                && names_secret(doc, &doc["components"]["schemas"][&name], seen);
        }
        let fields = schema["properties"].as_object().into_iter().flatten();
        let nested = ["items", "additionalProperties"]
            .iter()
            .map(|k| &schema[*k]);
        let alternatives = ["allOf", "oneOf", "anyOf"]
            .iter()
            .flat_map(|k| schema[*k].as_array().into_iter().flatten());
        fields
            .clone()
            .any(|(name, _)| SECRET_FIELDS.contains(&name.as_str()))
            || fields
                .map(|(_, s)| s)
                .chain(nested)
                .chain(alternatives)
                .any(|s| names_secret(doc, s, seen))
    }
    operation["responses"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .any(|(_, res)| {
            res["headers"].get("Set-Cookie").is_some()
                || res["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .any(|(_, c)| names_secret(doc, &c["schema"], &mut BTreeSet::new()))
        })
}

/// The operations the route table marks as answering a secret: (METHOD, path).
fn marked_secret() -> BTreeSet<(String, String)> {
    roster_gateway::routes::table()
        .entries()
        .iter()
        .filter(|entry| entry.secret)
        .map(|entry| {
            let method = serde_json::to_value(&entry.method).unwrap();
            (method.as_str().unwrap().to_uppercase(), entry.path.clone())
        })
        .collect()
}

#[tokio::test]
async fn answers_carrying_secrets_are_never_stored_and_the_table_covers_the_document() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let marked = marked_secret();
    assert!(marked.len() >= 6, "{marked:?}");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let key = (method.to_uppercase(), path.clone());
            if answers_a_secret(&doc, operation) {
                assert!(
                    marked.contains(&key),
                    "{} {path} answers a secret, but the route table does not mark it .secret()",
                    key.0
                );
            }
        }
    }
    // Over the wire: a new token, the session, the sign-in (refused too), but not /me.
    let token = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "ci"}))
        .status(201)
        .await;
    let session = app
        .admin(Method::GET, "/api/auth/get-session")
        .status(200)
        .await;
    let sign_in = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "admin@acme.test", "password": "not-the-password"}))
        .status(401)
        .await;
    for res in [&token, &session, &sign_in] {
        assert_eq!(
            header(res, "cache-control").as_deref(),
            Some("no-store"),
            "{res}"
        );
    }
    let me = app.admin(Method::GET, "/api/v1/app/me").status(200).await;
    assert_eq!(header(&me, "cache-control"), None, "{me}");
}
