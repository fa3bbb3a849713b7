//! PATCH as both providers send it, and its errors.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{Scim, PATCH_OP};

#[tokio::test]
async fn paths_dotted_keys_urns_value_filters_and_string_booleans() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    let patched = scim
        .patch(
            &app,
            id,
            json!([
                {"op": "Replace", "path": "name.givenName", "value": "Augusta"},
                {"op": "Add", "path": "title", "value": "Countess"},
                {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:externalId", "value": "e-1"},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "augusta@example.com"},
                {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Math"},
                {"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1 555"},
                {"op": "Replace", "path": "active", "value": "False"},
            ]),
        )
        .await;
    assert_eq!(patched["name"]["givenName"], "Augusta");
    assert_eq!(patched["title"], "Countess");
    assert_eq!(patched["externalId"], "e-1");
    assert_eq!(patched["emails"][0]["value"], "augusta@example.com");
    assert_eq!(patched["active"], false);
    assert!(patched.get("phoneNumbers").is_none());

    let patched = scim
        .patch(
            &app,
            id,
            json!([{"op": "replace", "value": {
                "name.familyName": "King",
                "displayName": "Augusta King",
                "urn:ietf:params:scim:schemas:core:2.0:User:title": "Mathematician",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": {"value": "x"},
                "active": "True",
            }}]),
        )
        .await;
    assert_eq!(patched["name"]["familyName"], "King");
    assert_eq!(patched["displayName"], "Augusta King");
    assert_eq!(patched["title"], "Mathematician");
    assert_eq!(patched["active"], true);

    let patched = scim
        .patch(
            &app,
            id,
            json!([{"op": "remove", "path": "title"}, {"op": "REMOVE", "path": "externalId"}]),
        )
        .await;
    assert!(
        patched.get("title").is_none() && patched.get("externalId").is_none(),
        "{patched}"
    );
    let app_user = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(app_user["job_position_name"], json!(null));
    assert_eq!(app_user["email"], "augusta@example.com");
}

#[tokio::test]
async fn bad_patches_are_invalid_path_invalid_value_or_invalid_syntax() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let path = format!("/Users/{}", user["id"].as_str().unwrap());
    let send = |ops: serde_json::Value| {
        scim.send(
            &app,
            Method::PATCH,
            &path,
            &json!({"schemas": [PATCH_OP], "Operations": ops}),
        )
    };
    for bad_path in [
        "bogus",
        "name.bogus",
        "emails[type eq",
        "title[value eq \"x\"]",
        "1x",
        "emails[type eq \"work\"]x",
    ] {
        send(json!([{"op": "replace", "path": bad_path, "value": "x"}]))
            .scim_error(400, Some("invalidPath"))
            .await;
    }
    send(json!([{"op": "replace", "value": {"bogus": 1}}]))
        .scim_error(400, Some("invalidPath"))
        .await;
    for bad_value in [
        json!([{"op": "replace", "path": "active", "value": "perhaps"}]),
        json!([{"op": "replace", "path": "userName", "value": 7}]),
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "not-an-email"}]),
        json!([{"op": "replace", "value": "not an object"}]),
    ] {
        send(bad_value).scim_error(400, Some("invalidValue")).await;
    }
    send(json!([{"op": "remove"}]))
        .scim_error(400, Some("noTarget"))
        .await;
    for bad_syntax in [
        json!([]),
        json!([{"op": "move", "path": "title", "value": "x"}]),
        json!("ops"),
        json!([{"op": "add", "path": "title"}]),
    ] {
        send(bad_syntax)
            .scim_error(400, Some("invalidSyntax"))
            .await;
    }
    scim.req(&app, Method::PATCH, &path)
        .header("content-type", "application/scim+json")
        .body("{\"Operations\": [")
        .scim_error(400, Some("invalidSyntax"))
        .await;
    let unchanged = scim.req(&app, Method::GET, &path).ok().await;
    assert_eq!(
        unchanged["meta"]["version"], user["meta"]["version"],
        "{unchanged}"
    );
}

#[tokio::test]
async fn a_user_name_taken_by_patch_is_409_and_the_last_admin_stays_active() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    scim.user(&app, "ada@example.com").await;
    let grace = scim.user(&app, "grace@example.com").await;
    scim.send(
        &app,
        Method::PATCH,
        &format!("/Users/{}", grace["id"].as_str().unwrap()),
        &json!({"Operations": [{"op": "replace", "path": "userName", "value": "ADA@example.com"}]}),
    )
    .scim_error(409, Some("uniqueness"))
    .await;
    scim.send(
        &app,
        Method::PATCH,
        &format!("/Users/{}", app.admin.user_id),
        &json!({"Operations": [{"op": "replace", "value": {"active": false}}]}),
    )
    .scim_error(409, None)
    .await;
}
