//! Over-long strings: 400 for every string field of every JSON request schema, every
//! text query parameter, the `x-org` header and the slash command's form fields.

use std::collections::BTreeSet;

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Map, Value};

use super::calls::{base, concrete, family, request, Family};
use crate::platform::hardening::operations::{document, operations_of, resolve, Operation};
use crate::platform::hardening::tenants::World;
use crate::slack::{command_body, now};

/// Longer than any bound of any field (the longest, project contexts, is 20 000).
const LONG_BODY_STRING: usize = 100_000;
/// Longer than any bound of any query parameter or header, short enough for a URL.
const LONG_QUERY_STRING: usize = 5_000;

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

/// The parameters of an operation at `location` (query, header) that take text (or lists
/// of text).
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

/// Sets the value at `path` in a JSON object, making the objects on the way.
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
            let reply = request(&world, &op.method, &url(&query))
                .json(&long)
                .reply()
                .await;
            if reply.status != 400 || !names_field(&reply.json(), leaf) {
                failures.push(format!("{label} body {}: {reply}", leaf.join(".")));
            }
        }
        for param in &params {
            tried += 1;
            fields.insert(format!("{label} ?{param}"));
            let reply = request(
                &world,
                &op.method,
                &url(&with_param(&query, param, &long_query)),
            )
            .reply()
            .await;
            if reply.status != 400 {
                failures.push(format!("{label} query {param}: {reply}"));
            }
        }
        for header in &headers {
            if header.starts_with("X-Slack") {
                // Slack's signature headers are a credential: a bad one is a 401.
                continue;
            }
            if header.starts_with("If-") {
                // Conditions are compared, never kept: a long one is a tag that matches
                // nothing (platform::conditional).
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
            let reply = req.reply().await;
            if reply.status != 400 {
                failures.push(format!("{label} header {header}: {reply}"));
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
        let reply = world
            .slack
            .signed_command(&now().to_string(), &body)
            .reply()
            .await;
        if reply.status != 400 || !names_field(&reply.json(), &[field.to_owned()]) {
            failures.push(format!(
                "POST /work-apps/slack/commands form {field}: {reply}"
            ));
        }
    }
    eprintln!(
        "limits: {} string inputs, {tried} over-long requests, {} failures",
        fields.len(),
        failures.len()
    );
    assert!(
        fields.len() > 100,
        "the schemas should show far more string inputs: {fields:#?}"
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
