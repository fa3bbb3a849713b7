//! Discovery: public, advertising what is supported; writes to it are 405.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn the_service_provider_config_advertises_patch_filter_and_etag_only() {
    let app = TestApp::spawn().await;
    let reply = app
        .anon(Method::GET, "/scim/v2/ServiceProviderConfig")
        .status(200)
        .await;
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    let config = reply.json();
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["filter"]["supported"], true);
    assert_eq!(config["filter"]["maxResults"], 200);
    assert_eq!(config["etag"]["supported"], true);
    for off in ["bulk", "sort", "changePassword"] {
        assert_eq!(config[off]["supported"], false, "{off}");
    }
    for path in ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"] {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            app.anon(method, &format!("/scim/v2{path}"))
                .json(&json!({}))
                .scim_error(405, None)
                .await;
        }
    }
}

#[tokio::test]
async fn resource_types_and_schemas_list_what_is_served_with_what_roster_stores() {
    let app = TestApp::spawn().await;
    let types = app.anon(Method::GET, "/scim/v2/ResourceTypes").ok().await;
    assert_eq!(types["totalResults"], 2, "{types}");
    let group_type = app
        .anon(Method::GET, "/scim/v2/ResourceTypes/Group")
        .ok()
        .await;
    assert_eq!(group_type["endpoint"], "/Groups");
    let user_type = app
        .anon(Method::GET, "/scim/v2/ResourceTypes/User")
        .ok()
        .await;
    assert_eq!(user_type["endpoint"], "/Users");
    let schemas = app.anon(Method::GET, "/scim/v2/Schemas").ok().await;
    assert_eq!(schemas["totalResults"], 2);
    let group = app
        .anon(
            Method::GET,
            "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
        )
        .ok()
        .await;
    let names: Vec<&str> = group["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["displayName", "externalId", "members"]);
    assert_eq!(group["attributes"][0]["uniqueness"], "server");
    let user = app
        .anon(
            Method::GET,
            "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        )
        .ok()
        .await;
    let names: Vec<&str> = user["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "userName",
            "externalId",
            "name",
            "displayName",
            "title",
            "active",
            "emails",
            "roles",
            "groups"
        ]
    );
    let roles = &user["attributes"][7];
    assert_eq!(roles["mutability"], "readOnly");
    assert_eq!(user["attributes"][0]["uniqueness"], "server");
    app.anon(Method::GET, "/scim/v2/Schemas/urn:nope")
        .scim_error(404, None)
        .await;
    app.anon(Method::GET, "/scim/v2/Nope")
        .scim_error(404, None)
        .await;
}
