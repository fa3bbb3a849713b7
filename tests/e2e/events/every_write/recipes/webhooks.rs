//! Webhook endpoints and the external-users workspaces and their API keys.

use reqwest::Method;
use serde_json::json;

use super::{nothing, recipe_of, Fixture, Recipe, NO_UUID};

/// Webhook endpoints, external-users workspaces and their API keys.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let w = &f.webhook;
    let no_hook = nothing("whep");
    let (recipe, actor) = match operation {
        "create_webhook" => (
            recipe_of(
                f.app(M::POST, "/webhooks")
                    .json(&json!({"url": "http://127.0.0.1:9/other"})),
                201,
                &["webhook.created"],
                f.app(M::POST, "/webhooks").json(&json!({"url": "nope"})),
                (400, Some("validation_failed")),
            ),
            "user",
        ),
        "update_webhook" => (
            recipe_of(
                f.app(M::PATCH, &format!("/webhooks/{w}"))
                    .json(&json!({"description": "CRM"})),
                200,
                &["webhook.updated"],
                f.app(M::PATCH, &format!("/webhooks/{no_hook}"))
                    .json(&json!({"description": "CRM"})),
                (404, Some("webhook_not_found")),
            ),
            "user",
        ),
        "delete_webhook" => {
            let id = f
                .made("/webhooks", json!({"url": "http://127.0.0.1:9/gone"}))
                .await;
            (
                recipe_of(
                    f.app(M::DELETE, &format!("/webhooks/{id}")),
                    204,
                    &["webhook.deleted"],
                    f.app(M::DELETE, &format!("/webhooks/{id}")),
                    (404, Some("webhook_not_found")),
                ),
                "user",
            )
        }
        "rotate_webhook_secret" | "test_webhook" => {
            let (verb, status, events): (_, _, &'static [&'static str]) =
                match operation == "test_webhook" {
                    true => ("test", 202, &["webhook.test"]),
                    false => ("rotate-secret", 200, &["webhook.secret_rotated"]),
                };
            (
                recipe_of(
                    f.app(M::POST, &format!("/webhooks/{w}/{verb}")),
                    status,
                    events,
                    f.app(M::POST, &format!("/webhooks/{no_hook}/{verb}")),
                    (404, Some("webhook_not_found")),
                ),
                "user",
            )
        }
        // A retry sends a delivery again: it changes no resource and writes no event.
        "retry_delivery" => (
            recipe_of(
                f.app(
                    M::POST,
                    &format!("/webhooks/{w}/deliveries/{}/retry", f.delivery),
                ),
                202,
                &[],
                f.app(
                    M::POST,
                    &format!("/webhooks/{w}/deliveries/{}/retry", nothing("whdl")),
                ),
                (404, None),
            ),
            "user",
        ),
        "create_workspace" => (
            recipe_of(
                f.app(M::POST, "/workspaces").json(&json!({"name": "Shop"})),
                201,
                &["workspace.created"],
                f.app(M::POST, "/workspaces").json(&json!({"name": ""})),
                (400, Some("validation_failed")),
            ),
            "user",
        ),
        "create_api_key" | "revoke_api_key" => {
            let keys = format!("/workspaces/{}/api-keys", f.ws.id);
            let r = if operation == "create_api_key" {
                recipe_of(
                    f.app(M::POST, &keys).json(&json!({"name": "widget"})),
                    201,
                    &["api_key.created"],
                    f.app(M::POST, &format!("/workspaces/{NO_UUID}/api-keys"))
                        .json(&json!({"name": "widget"})),
                    (404, Some("workspace_not_found")),
                )
            } else {
                let key = f.made(&keys, json!({"name": "spare"})).await;
                recipe_of(
                    f.app(M::DELETE, &format!("{keys}/{key}")),
                    204,
                    &["api_key.revoked"],
                    f.app(M::DELETE, &format!("{keys}/{key}")),
                    (404, Some("api_key_not_found")),
                )
            };
            (r, "user")
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some(actor),
        ..r
    })
}
