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
