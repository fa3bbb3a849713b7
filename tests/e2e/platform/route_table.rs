//! Every operation the OpenAPI document lists is served at its path and method: none
//! answers 404 "no such route" or 405, whatever ids its path is given.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        // An id of no kind: each operation answers for itself (404 for the resource, 400).
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x0" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app.anon(method.clone(), &concrete).send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path}: {body}");
            assert_ne!(body["code"], "route_not_found", "{method} {path}: {body}");
            checked += 1;
        }
    }
    assert!(checked > 70, "{checked} operations");
}

/// RFC 9110: every 405 names the methods the path does serve, in `Allow`.
#[tokio::test]
async fn every_405_carries_allow_naming_the_paths_methods() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x0" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let served: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        for method in ["GET", "PUT", "POST", "DELETE", "PATCH"] {
            if served.iter().any(|m| m == method) {
                continue;
            }
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let reply = app.anon(method.clone(), &concrete).reply().await;
            // SCIM answers its own error schema (RFC 7644), other families problem+json.
            if path.starts_with("/scim/v2") {
                reply.scim_error(405, None);
            } else {
                reply.problem(405, code_405(path));
            }
            let allow = reply
                .header("allow")
                .unwrap_or_else(|| panic!("{method} {path}: no Allow"));
            let allowed: Vec<&str> = allow.split(", ").collect();
            for m in &served {
                assert!(
                    allowed.contains(&m.as_str()),
                    "{method} {path}: Allow {allow}"
                );
            }
            assert!(
                !allowed.contains(&method.as_str()),
                "{method} {path}: Allow {allow}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} wrong methods tried");
    let reply = app.anon(Method::DELETE, "/metrics").reply().await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
}

/// The code of a 405: better-auth's spelling under `/api/auth`, ours elsewhere.
fn code_405(path: &str) -> &'static str {
    if path.starts_with("/api/auth/") {
        "METHOD_NOT_ALLOWED"
    } else {
        "method_not_allowed"
    }
}
