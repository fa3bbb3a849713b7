//! The external-users family, with a workspace API key.

use reqwest::Method;
use serde_json::json;

use super::{recipe_of, Fixture, Recipe, NO_UUID};

/// The external-users family, with a workspace API key.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let catalogue = |family: &str| match family {
        "channel" => ("/channels", "channel"),
        "tier" => ("/tiers", "tier"),
        _ => ("/external-user-groups", "external_user_group"),
    };
    let (verb, family) = operation.split_once('_')?;
    let recipe = match (verb, family) {
        ("create" | "update" | "delete", "channel" | "tier" | "group") => {
            let (path, _) = catalogue(family);
            let events: &'static [&'static str] = match (verb, family) {
                ("create", "channel") => &["channel.created"],
                ("update", "channel") => &["channel.updated"],
                ("delete", "channel") => &["channel.deleted"],
                ("create", "tier") => &["tier.created"],
                ("update", "tier") => &["tier.updated"],
                ("delete", "tier") => &["tier.deleted"],
                ("create", _) => &["external_user_group.created"],
                ("update", _) => &["external_user_group.updated"],
                _ => &["external_user_group.deleted"],
            };
            let not_found = match family {
                "group" => "external_user_group_not_found",
                "tier" => "tier_not_found",
                _ => "channel_not_found",
            };
            match verb {
                "create" => recipe_of(
                    f.ext(M::POST, path).json(&json!({"name": "Fresh entry"})),
                    200,
                    events,
                    f.ext(M::POST, path).json(&json!({"name": ""})),
                    (400, None),
                ),
                _ => {
                    let id = f.made_ext(path, json!({"name": "Spare entry"})).await;
                    let entry = format!("{path}/{id}");
                    let gone = format!("{path}/{NO_UUID}");
                    if verb == "update" {
                        recipe_of(
                            f.ext(M::PATCH, &entry).json(&json!({"name": "Renamed"})),
                            200,
                            events,
                            f.ext(M::PATCH, &gone).json(&json!({"name": "Renamed"})),
                            (404, Some(not_found)),
                        )
                    } else {
                        recipe_of(
                            f.ext(M::DELETE, &entry),
                            204,
                            events,
                            f.ext(M::DELETE, &entry),
                            (404, Some(not_found)),
                        )
                    }
                }
            }
        }
        // An import answers when it is written: each user's event, then the import's.
        ("create", "external_user_import") => {
            let line = json!({"channelId": f.channel, "externalId": "imported-1"});
            let import = |query: &str| {
                f.ext(M::POST, &format!("/external-user-imports{query}"))
                    .header("content-type", "application/x-ndjson")
                    .body(format!("{line}\n"))
            };
            recipe_of(
                import(""),
                202,
                &["external_user.created", "import.completed"],
                import("?format=auth0"),
                (400, Some("validation_failed")),
            )
        }
        ("create" | "update", "external_user") => {
            let body = json!({"channelId": f.channel, "identifier": format!("{verb}@example.com")});
            if verb == "create" {
                recipe_of(
                    f.ext(M::POST, "/external-users").json(&body),
                    200,
                    &["external_user.created"],
                    f.ext(M::POST, "/external-users").json(&body),
                    (409, Some("identifier_taken")),
                )
            } else {
                let id = f.made_ext("/external-users", body).await;
                recipe_of(
                    f.ext(M::PATCH, &format!("/external-users/{id}"))
                        .json(&json!({"blocked": true})),
                    200,
                    &["external_user.blocked"],
                    f.ext(M::PATCH, &format!("/external-users/{NO_UUID}"))
                        .json(&json!({"blocked": true})),
                    (404, Some("external_user_not_found")),
                )
            }
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some("api_key"),
        ..r
    })
}
