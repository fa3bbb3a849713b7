//! The operations of the gateway's own `/openapi.json`, so that the tables of these tests
//! are checked against what the gateway serves: a new route cannot be forgotten.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Lowercase, as the document keys it (`get`, `post`, ...).
    pub method: String,
    pub path: String,
    pub op: Value,
}

impl Operation {
    pub fn takes_body(&self) -> bool {
        self.op.get("requestBody").is_some()
    }

    /// The content type of the request body, if there is one.
    pub fn body_type(&self) -> Option<String> {
        self.op["requestBody"]["content"]
            .as_object()
            .and_then(|c| c.keys().next().cloned())
    }

    pub fn responds(&self, status: &str) -> bool {
        self.op["responses"].get(status).is_some()
    }
}

/// The gateway's OpenAPI document.
pub async fn document(app: &TestApp) -> Value {
    app.anon(Method::GET, "/openapi.json").ok().await
}

/// Every operation of the gateway's OpenAPI document.
pub async fn operations(app: &TestApp) -> Vec<Operation> {
    operations_of(&document(app).await)
}

pub fn operations_of(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    method: method.to_owned(),
                    path: path.clone(),
                    op: op.clone(),
                });
            }
        }
    }
    assert!(
        out.len() > 50,
        "the document lists only {} operations",
        out.len()
    );
    out
}

/// Resolves a `$ref` to `#/components/...` in the document.
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            resolve(doc, doc.pointer(pointer).unwrap_or(&Value::Null))
        }
        None => schema,
    }
}
