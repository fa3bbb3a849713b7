//! The committed `docs/openapi.json` is the document the gateway serves, so a change to
//! the API shows up in review as a change to that file.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

/// `docs/openapi.json`, as committed.
fn committed() -> Value {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// The first place where two JSON values differ, as a JSON pointer.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(v), Some(w)) => first_difference(&format!("{path}/{k}"), v, w),
                _ => Some(format!("{path}/{k}")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(&format!("{path}/{i}"), v, w)),
        _ => (a != b).then(|| path.to_owned()),
    }
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let served = app.anon(Method::GET, "/openapi.json").ok().await;
    if let Some(at) = first_difference("", &served, &committed()) {
        panic!(
            "docs/openapi.json differs from the served document at {at}: run `cargo xtask openapi`"
        );
    }
}

#[tokio::test]
async fn every_operation_id_is_unique() {
    let doc = committed();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("operationId {id} names both {other} and {method} {path}");
                }
            }
        }
    }
    assert!(seen.len() > 70, "{} operations", seen.len());
}

#[test]
fn first_difference_points_at_the_changed_value() {
    let a = serde_json::json!({"x": {"y": [1, 2]}, "z": 1});
    let b = serde_json::json!({"x": {"y": [1, 3]}, "z": 1});
    assert_eq!(first_difference("", &a, &b).as_deref(), Some("/x/y/1"));
    assert_eq!(first_difference("", &a, &a), None);
    let c = serde_json::json!({"x": {"y": [1, 2]}});
    assert_eq!(first_difference("", &a, &c).as_deref(), Some("/z"));
}
