//! The table's rows for the audit log and webhooks: B's endpoint and delivery are 404 to A.

use reqwest::Method;
use serde_json::json;

use super::{status, Row};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Bulk imports and the export: B's import is a 404 to A.
        ("post", "/api/v1/app/user-imports", |c| {
            let mut p = c.app(Method::POST, "/user-imports", None, status(&[202]));
            for probe in &mut p {
                probe.req = probe
                    .req
                    .try_clone()
                    .expect("a plain request")
                    .body("{\"email\": \"probe@acme.test\"}\n");
            }
            p
        }),
        ("get", "/api/v1/app/user-imports", |c| {
            c.app(Method::GET, "/user-imports", None, status(&[200]))
        }),
        ("get", "/api/v1/app/user-imports/{id}", |c| {
            let path = format!("/user-imports/{}", c.w.b.import_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/user-imports/{id}/errors", |c| {
            let path = format!("/user-imports/{}/errors", c.w.b.import_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/user-export", |c| {
            c.app(Method::GET, "/user-export", None, status(&[200]))
        }),
        ("get", "/api/v1/app/audit-events", |c| {
            c.app(Method::GET, "/audit-events?first=100", None, status(&[200]))
        }),
        ("get", "/api/v1/app/webhooks", |c| {
            c.app(Method::GET, "/webhooks", None, status(&[200]))
        }),
        ("post", "/api/v1/app/webhooks", |c| {
            let body = json!({"url": "http://127.0.0.1:9/probe"});
            c.app(Method::POST, "/webhooks", Some(body), status(&[201]))
        }),
        ("get", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("patch", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            let body = json!({"enabled": false});
            c.app(Method::PATCH, &path, Some(body), status(&[404]))
        }),
        ("delete", "/api/v1/app/webhooks/{id}", |c| {
            let path = format!("/webhooks/{}", c.w.b.webhook_id);
            c.app(Method::DELETE, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/webhooks/{id}/secret", |c| {
            let path = format!("/webhooks/{}/secret", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        ("post", "/api/v1/app/webhooks/{id}/rotate-secret", |c| {
            let path = format!("/webhooks/{}/rotate-secret", c.w.b.webhook_id);
            c.app(Method::POST, &path, None, status(&[404]))
        }),
        ("post", "/api/v1/app/webhooks/{id}/test", |c| {
            let path = format!("/webhooks/{}/test", c.w.b.webhook_id);
            c.app(Method::POST, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/app/webhooks/{id}/deliveries", |c| {
            let path = format!("/webhooks/{}/deliveries", c.w.b.webhook_id);
            c.app(Method::GET, &path, None, status(&[404]))
        }),
        (
            "post",
            "/api/v1/app/webhooks/{id}/deliveries/{delivery_id}/retry",
            |c| {
                let (w, b) = (&c.w.b.webhook_id, &c.w.b.delivery_id);
                let path = format!("/webhooks/{w}/deliveries/{b}/retry");
                c.app(Method::POST, &path, None, status(&[404]))
            },
        ),
    ]
}
