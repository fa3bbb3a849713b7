//! App users, projects, their members, pins and artifacts, API tokens, integrations.

use reqwest::Method;
use serde_json::json;

use roster_e2e::Expect;

use super::{nothing, recipe_of, Fixture, Recipe};

/// The recipe of an App operation, by `operationId`; `None` when it is not one.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let p = &f.project;
    let recipe = match operation {
        "create_project" => recipe_of(
            f.app(M::POST, "/project").json(&json!({"name": "Fresh"})),
            201,
            &["project.created"],
            f.app(M::POST, "/project").json(&json!({"name": ""})),
            (400, Some("validation_failed")),
        ),
        "update_project" => recipe_of(
            f.app(M::PUT, &format!("/project/{p}"))
                .json(&json!({"goal": "Trends"})),
            200,
            &["project.updated"],
            f.app(M::PUT, &format!("/project/{}", nothing("proj")))
                .json(&json!({"goal": "Trends"})),
            (404, Some("project_not_found")),
        ),
        "delete_project" => {
            let spare = f.new_project().await;
            recipe_of(
                f.app(M::DELETE, &format!("/project/{spare}")),
                204,
                &["project.deleted"],
                f.app(M::DELETE, &format!("/project/{spare}")),
                (404, Some("project_not_found")),
            )
        }
        "create_artifact" => {
            let body = json!({"name": "Report", "type": "Document"});
            recipe_of(
                f.app(M::POST, &format!("/project/{p}/artifact"))
                    .json(&body),
                201,
                &["artifact.created"],
                f.app(M::POST, &format!("/project/{}/artifact", nothing("proj")))
                    .json(&body),
                (404, Some("project_not_found")),
            )
        }
        "update_artifact" | "delete_artifact" => {
            let artifact = f
                .made(
                    &format!("/project/{p}/artifact"),
                    json!({"name": "Draft", "type": "Document"}),
                )
                .await;
            let path = format!("/project/{p}/artifact/{artifact}");
            if operation == "update_artifact" {
                let gone = format!("/project/{p}/artifact/{}", nothing("artifact"));
                recipe_of(
                    f.app(M::PATCH, &path).json(&json!({"name": "Final"})),
                    200,
                    &["artifact.updated"],
                    f.app(M::PATCH, &gone).json(&json!({"name": "Final"})),
                    (404, Some("artifact_not_found")),
                )
            } else {
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["artifact.deleted"],
                    f.app(M::DELETE, &path),
                    (404, Some("artifact_not_found")),
                )
            }
        }
        "add_member" => {
            let user = f.new_user("joiner@acme.test").await;
            let body = json!({"user_id": user, "role": "Viewer"});
            recipe_of(
                f.app(M::POST, &format!("/project/{p}/member")).json(&body),
                201,
                &["project.member_added"],
                f.app(M::POST, &format!("/project/{p}/member")).json(&body),
                (409, Some("already_member")),
            )
        }
        "update_member" | "remove_member" => {
            let user = f.new_user(&format!("{operation}@acme.test")).await;
            f.app(M::POST, &format!("/project/{p}/member"))
                .json(&json!({"user_id": user, "role": "Viewer"}))
                .created()
                .await;
            let path = format!("/project/{p}/member/{user}");
            let gone = format!("/project/{p}/member/{}", f.member);
            if operation == "update_member" {
                recipe_of(
                    f.app(M::PUT, &path).json(&json!({"role": "Editor"})),
                    200,
                    &["project.member_updated"],
                    f.app(M::PUT, &gone).json(&json!({"role": "Editor"})),
                    (404, Some("member_not_found")),
                )
            } else {
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["project.member_removed"],
                    f.app(M::DELETE, &path),
                    (404, Some("member_not_found")),
                )
            }
        }
        "pin_project" => {
            let spare = f.new_project().await;
            recipe_of(
                f.app(M::POST, &format!("/project/{spare}/pin")),
                200,
                &["project.pinned"],
                f.app(M::POST, &format!("/project/{}/pin", nothing("proj"))),
                (404, Some("project_not_found")),
            )
        }
        "unpin_project" => {
            let spare = f.new_project().await;
            f.app(M::POST, &format!("/project/{spare}/pin")).ok().await;
            recipe_of(
                f.app(M::DELETE, &format!("/project/{spare}/pin")),
                204,
                &["project.unpinned"],
                f.app(M::DELETE, &format!("/project/{}/pin", nothing("proj"))),
                (404, Some("project_not_found")),
            )
        }
        "create_token" => recipe_of(
            f.app(M::POST, "/tokens").json(&json!({"name": "ci"})),
            201,
            &["token.created"],
            f.app(M::POST, "/tokens").json(&json!({"name": ""})),
            (400, Some("validation_failed")),
        ),
        "revoke_token" => {
            let token = f.made("/tokens", json!({"name": "short-lived"})).await;
            recipe_of(
                f.app(M::DELETE, &format!("/tokens/{token}")),
                204,
                &["token.revoked"],
                f.app(M::DELETE, &format!("/tokens/{token}")),
                (404, Some("token_not_found")),
            )
        }
        "create_user" => {
            let body = json!({"role": "AppMember",
                "user_info": {"email": "fresh@acme.test", "name": "Fresh"}});
            recipe_of(
                f.app(M::POST, "/user").json(&body),
                201,
                &["user.created"],
                f.app(M::POST, "/user").json(&body),
                (409, None),
            )
        }
        "update_user" => recipe_of(
            f.app(M::PUT, &format!("/user/{}", f.member))
                .json(&json!({"name": "Renamed"})),
            200,
            &["user.updated"],
            f.app(M::PUT, &format!("/user/{}", nothing("user")))
                .json(&json!({"name": "Renamed"})),
            (404, Some("user_not_found")),
        ),
        "patch_user" => recipe_of(
            f.app(M::PATCH, &format!("/user/{}", f.member))
                .json(&json!({"metadata": {"plan": "pro"}})),
            200,
            &["user.updated"],
            f.app(M::PATCH, &format!("/user/{}", f.member))
                .json(&json!({"metadata": {"bad key": "x"}})),
            (400, Some("validation_failed")),
        ),
        "deactivate_user" | "activate_user" => {
            let user = f.new_user(&format!("{operation}@acme.test")).await;
            let verb = operation.trim_end_matches("_user");
            if verb == "activate" {
                f.app(M::POST, &format!("/user/{user}/deactivate"))
                    .ok()
                    .await;
            }
            let events: &'static [&'static str] = match verb {
                "activate" => &["user.activated"],
                _ => &["user.deactivated"],
            };
            recipe_of(
                f.app(M::POST, &format!("/user/{user}/{verb}")),
                200,
                events,
                f.app(M::POST, &format!("/user/{}/{verb}", nothing("user"))),
                (404, Some("user_not_found")),
            )
        }
        "create_integration" => recipe_of(
            f.app(M::POST, "/user/integrations")
                .json(&json!({"type": "Notion"})),
            201,
            &["integration.created"],
            f.app(M::POST, "/user/integrations")
                .json(&json!({"type": "Notion"})),
            (409, Some("integration_exists")),
        ),
        "delete_integration" => {
            let id = f.made("/user/integrations", json!({"type": "Jira"})).await;
            recipe_of(
                f.app(M::DELETE, &format!("/user/integrations/{id}")),
                204,
                &["integration.deleted"],
                f.app(M::DELETE, &format!("/user/integrations/{id}")),
                (404, Some("integration_not_found")),
            )
        }
        "delete_user" => {
            let user = f.new_user("leaver@acme.test").await;
            recipe_of(
                f.app(M::DELETE, &format!("/user/{user}")),
                204,
                &["user.deleted"],
                f.app(M::DELETE, &format!("/user/{user}")),
                (404, Some("user_not_found")),
            )
        }
        // An import answers when it is written: each user's event, then the import's.
        "create_user_import" => {
            let line = json!({"email": "imported@acme.test", "name": "Imported"});
            let import = |query: &str| {
                f.app(M::POST, &format!("/user-imports{query}"))
                    .header("content-type", "application/x-ndjson")
                    .body(format!("{line}\n"))
            };
            recipe_of(
                import(""),
                202,
                &["user.created", "import.completed"],
                import("?format=nope"),
                (400, None),
            )
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some("user"),
        ..r
    })
}
