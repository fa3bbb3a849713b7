//! The org's groups (`/api/v1/app/groups`) and their members.

use reqwest::Method;
use serde_json::json;

use roster_e2e::Expect;

use super::{nothing, recipe_of, Fixture, Recipe};

/// The recipe of an org group operation, by `operationId`; `None` when it is not one.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let gone = format!("/groups/{}", nothing("grp"));
    let recipe = match operation {
        "create_org_group" => {
            let body = json!({"display_name": "Walkers"});
            recipe_of(
                f.app(M::POST, "/groups").json(&body),
                201,
                &["group.created"],
                f.app(M::POST, "/groups").json(&body),
                (409, Some("group_name_taken")),
            )
        }
        "update_org_group" | "delete_org_group" => {
            let id = f.made("/groups", json!({"display_name": operation})).await;
            let path = format!("/groups/{id}");
            if operation == "update_org_group" {
                let body = json!({"external_id": "walk-1"});
                recipe_of(
                    f.app(M::PATCH, &path).json(&body),
                    200,
                    &["group.updated"],
                    f.app(M::PATCH, &gone).json(&body),
                    (404, Some("group_not_found")),
                )
            } else {
                recipe_of(
                    f.app(M::DELETE, &path),
                    204,
                    &["group.deleted"],
                    f.app(M::DELETE, &path),
                    (404, Some("group_not_found")),
                )
            }
        }
        "add_org_group_member" | "remove_org_group_member" => {
            let id = f.made("/groups", json!({"display_name": operation})).await;
            let members = format!("/groups/{id}/members");
            let body = json!({"user_id": f.member});
            if operation == "add_org_group_member" {
                recipe_of(
                    f.app(M::POST, &members).json(&body),
                    201,
                    &["group.member_added"],
                    f.app(M::POST, &members).json(&body),
                    (409, Some("already_member")),
                )
            } else {
                f.app(M::POST, &members).json(&body).created().await;
                let member = format!("{members}/{}", f.member);
                recipe_of(
                    f.app(M::DELETE, &member),
                    204,
                    &["group.member_removed"],
                    f.app(M::DELETE, &member),
                    (404, Some("member_not_found")),
                )
            }
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some("user"),
        ..r
    })
}
