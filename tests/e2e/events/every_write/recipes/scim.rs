//! SCIM: the org's SCIM tokens (`/api/v1/app/scim-tokens`) and the users a SCIM client
//! provisions (`/scim/v2/Users` and `/scim/v2/Groups`, actor `scim`).

use reqwest::{Method, RequestBuilder};
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::{nothing, recipe_of, str_of, Fixture, Recipe};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A SCIM request with the fixture's token; a body goes as `application/scim+json`.
fn scim(f: &Fixture<'_>, method: Method, path: &str, body: Option<&Value>) -> RequestBuilder {
    let req = f
        .slack
        .app
        .anon(method, &format!("/scim/v2{path}"))
        .bearer_auth(&f.scim);
    match body {
        Some(body) => req
            .header("content-type", "application/scim+json")
            .body(body.to_string()),
        None => req,
    }
}

fn scim_user(user_name: &str) -> Value {
    json!({"schemas": [USER], "userName": user_name,
        "name": {"givenName": "Ada", "familyName": "Walker"},
        "emails": [{"value": user_name, "type": "work"}], "active": true})
}

fn scim_group(display_name: &str) -> Value {
    json!({"schemas": [GROUP], "displayName": display_name, "members": []})
}

/// The recipe of a SCIM operation, by `operationId`; `None` when it is not one.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let (recipe, actor) = match operation {
        "create_scim_token" => (
            recipe_of(
                f.app(M::POST, "/scim-tokens")
                    .json(&json!({"name": "Entra"})),
                201,
                &["scim_token.created"],
                f.app(M::POST, "/scim-tokens").json(&json!({"name": ""})),
                (400, Some("validation_failed")),
            ),
            "user",
        ),
        "revoke_scim_token" => {
            let id = f.made("/scim-tokens", json!({"name": "Spare"})).await;
            let path = format!("/scim-tokens/{id}");
            (
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["scim_token.revoked"],
                    f.app(M::DELETE, &path),
                    (404, Some("scim_token_not_found")),
                ),
                "user",
            )
        }
        "create_scim_user" => {
            let body = scim_user("provisioned@acme.test");
            (
                recipe_of(
                    scim(f, M::POST, "/Users", Some(&body)),
                    201,
                    &["user.created"],
                    // The same userName again.
                    scim(f, M::POST, "/Users", Some(&body)),
                    (409, None),
                ),
                "scim",
            )
        }
        "replace_scim_user" | "patch_scim_user" | "delete_scim_user" => {
            let user_name = format!("{operation}@acme.test");
            let made = scim(f, M::POST, "/Users", Some(&scim_user(&user_name)))
                .created()
                .await;
            let path = format!("/Users/{}", str_of(&made, "id"));
            let gone = format!("/Users/{}", nothing("user"));
            let r = match operation {
                "replace_scim_user" => {
                    let mut body = scim_user(&user_name);
                    body["name"]["givenName"] = json!("Ida");
                    recipe_of(
                        scim(f, M::PUT, &path, Some(&body)),
                        200,
                        &["user.updated"],
                        scim(f, M::PUT, &gone, Some(&body)),
                        (404, None),
                    )
                }
                "patch_scim_user" => {
                    let body = json!({"schemas": [PATCH_OP], "Operations": [
                        {"op": "replace", "path": "name.givenName", "value": "Ida"}]});
                    recipe_of(
                        scim(f, M::PATCH, &path, Some(&body)),
                        200,
                        &["user.updated"],
                        scim(f, M::PATCH, &gone, Some(&body)),
                        (404, None),
                    )
                }
                _ => recipe_of(
                    scim(f, M::DELETE, &path, None),
                    204,
                    &["user.deleted"],
                    scim(f, M::DELETE, &path, None),
                    (404, None),
                ),
            };
            (r, "scim")
        }
        "create_scim_group" => {
            let body = scim_group("Provisioned");
            (
                recipe_of(
                    scim(f, M::POST, "/Groups", Some(&body)),
                    201,
                    &["group.created"],
                    // The same displayName again.
                    scim(f, M::POST, "/Groups", Some(&body)),
                    (409, None),
                ),
                "scim",
            )
        }
        "replace_scim_group" | "patch_scim_group" | "delete_scim_group" => {
            let made = scim(f, M::POST, "/Groups", Some(&scim_group(operation)))
                .created()
                .await;
            let path = format!("/Groups/{}", str_of(&made, "id"));
            let gone = format!("/Groups/{}", nothing("grp"));
            let r = match operation {
                "replace_scim_group" => {
                    let body = scim_group(&format!("{operation} renamed"));
                    recipe_of(
                        scim(f, M::PUT, &path, Some(&body)),
                        200,
                        &["group.updated"],
                        scim(f, M::PUT, &gone, Some(&body)),
                        (404, None),
                    )
                }
                "patch_scim_group" => {
                    let body = json!({"schemas": [PATCH_OP], "Operations": [
                        {"op": "replace", "path": "displayName", "value": "Patched"}]});
                    recipe_of(
                        scim(f, M::PATCH, &path, Some(&body)),
                        200,
                        &["group.updated"],
                        scim(f, M::PATCH, &gone, Some(&body)),
                        (404, None),
                    )
                }
                _ => recipe_of(
                    scim(f, M::DELETE, &path, None),
                    204,
                    &["group.deleted"],
                    scim(f, M::DELETE, &path, None),
                    (404, None),
                ),
            };
            (r, "scim")
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some(actor),
        ..r
    })
}
