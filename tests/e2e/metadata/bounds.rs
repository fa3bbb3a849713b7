//! Every bound of metadata is a 400 naming the key, on create and on PATCH, and nothing
//! is written: 51 keys, a 41-character key, a key with another character, a 501-character
//! value, a value that is not a string; and a merge that would leave 51 keys.

use roster_e2e::Expect;
use serde_json::{json, Map, Value};

use super::{Fixture, KINDS};

/// `n` keys `k00`.. with the value `v`.
fn keys(n: usize) -> Value {
    Value::Object(
        (0..n)
            .map(|i| (format!("k{i:02}"), json!("v")))
            .collect::<Map<_, _>>(),
    )
}

/// The bad metadata and the field the 400 names.
fn cases() -> Vec<(Value, String)> {
    let long_key = "k".repeat(41);
    vec![
        (keys(51), "metadata.k50".into()),
        (
            json!({ long_key.clone(): "v" }),
            format!("metadata.{long_key}"),
        ),
        (json!({"has space": "v"}), "metadata.has space".into()),
        (json!({"é": "v"}), "metadata.é".into()),
        (json!({"plan": "x".repeat(501)}), "metadata.plan".into()),
        (json!({"seats": 12}), "metadata.seats".into()),
        (json!({"flag": true}), "metadata.flag".into()),
        (json!({"nested": {"a": "b"}}), "metadata.nested".into()),
    ]
}

fn names(problem: &Value, field: &str) {
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, [field], "{problem}");
}

#[tokio::test]
async fn every_bound_is_a_400_naming_the_key_on_create_and_patch() {
    let f = Fixture::new().await;
    for kind in KINDS {
        let existing = f.create(kind, json!({"keep": "me"})).await;
        for (metadata, field) in cases() {
            let problem = f
                .create_request(kind, Some(metadata.clone()))
                .problem(400, "validation_failed")
                .await;
            names(&problem, &field);
            let problem = f
                .patch(kind, &existing, metadata)
                .problem(400, "validation_failed")
                .await;
            names(&problem, &field);
        }
        // The bounds themselves are accepted.
        let at_bounds = json!({ "k".repeat(40): "é".repeat(500), "A-z_0.9": "v" });
        f.patch(kind, &existing, at_bounds).ok().await;
        f.create(kind, keys(50)).await;
        // Metadata is an object.
        f.create_request(kind, Some(json!(["a"])))
            .problem(400, "validation_failed")
            .await;
        f.patch(kind, &existing, json!("plan=pro"))
            .problem(400, "validation_failed")
            .await;
        let now = f.get(kind, &existing).await;
        assert_eq!(
            now["metadata"]["keep"], "me",
            "{kind:?}: nothing refused was written"
        );
        assert_eq!(now["metadata"].as_object().unwrap().len(), 3, "{now}");
    }
}

#[tokio::test]
async fn a_merge_that_would_leave_more_than_50_keys_is_a_400() {
    let f = Fixture::new().await;
    for kind in KINDS {
        let full = f.create(kind, keys(50)).await;
        let problem = f
            .patch(kind, &full, json!({"one_more": "v"}))
            .problem(400, "validation_failed")
            .await;
        names(&problem, "metadata");
        // Removing one while adding one keeps 50.
        let swapped = f
            .patch(kind, &full, json!({"one_more": "v", "k00": null}))
            .ok()
            .await;
        assert_eq!(swapped["metadata"].as_object().unwrap().len(), 50);
        assert_eq!(swapped["metadata"]["one_more"], "v");
    }
}
