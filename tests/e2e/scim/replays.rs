//! The requests Okta and Microsoft Entra send, in their documented order.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{Scim, PATCH_OP, USER};

#[tokio::test]
async fn okta_user_provisioning_sequence() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    // Okta checks the connection with a page of two.
    let page = scim
        .req(&app, Method::GET, "/Users?startIndex=1&count=2")
        .ok()
        .await;
    assert_eq!(page["totalResults"], 1);
    assert_eq!(page["itemsPerPage"], 1);
    // Does the user exist? A miss is 200 with an empty ListResponse.
    let miss = scim
        .req(&app, Method::GET, "/Users")
        .query(&[
            ("filter", "userName eq \"isaac.brock@example.com\""),
            ("startIndex", "1"),
            ("count", "100"),
        ])
        .ok()
        .await;
    assert_eq!(miss["totalResults"], 0);
    assert_eq!(miss["Resources"], json!([]));
    let created = scim
        .create(
            &app,
            json!({
                "schemas": [USER],
                "userName": "isaac.brock@example.com",
                "name": {"givenName": "Isaac", "familyName": "Brock"},
                "emails": [{"primary": true, "value": "isaac.brock@example.com", "type": "work"}],
                "displayName": "Isaac Brock",
                "locale": "en-US",
                "externalId": "00ujl29u0le5T6Aj10h7",
                "groups": [],
                "password": "1mz050nq",
                "active": true
            }),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let hit = scim
        .req(&app, Method::GET, "/Users")
        .query(&[("filter", "userName eq \"ISAAC.BROCK@example.com\"")])
        .ok()
        .await;
    assert_eq!(hit["totalResults"], 1);
    assert_eq!(hit["Resources"][0]["id"], id);
    // Okta deactivates with PUT (the whole user, active false)...
    let put = scim
        .send(
            &app,
            Method::PUT,
            &format!("/Users/{id}"),
            &json!({
                "schemas": [USER], "id": id, "userName": "isaac.brock@example.com",
                "name": {"givenName": "Isaac", "familyName": "Brock"},
                "emails": [{"primary": true, "value": "isaac.brock@example.com", "type": "work"}],
                "displayName": "Isaac Brock", "externalId": "00ujl29u0le5T6Aj10h7",
                "active": false, "meta": {"resourceType": "User"}
            }),
        )
        .ok()
        .await;
    assert_eq!(put["active"], false);
    // ...or with a path-less PATCH; reactivated the same way.
    let patched = scim
        .patch(
            &app,
            id,
            json!([{"op": "replace", "value": {"active": true}}]),
        )
        .await;
    assert_eq!(patched["active"], true);
    let patched = scim
        .patch(
            &app,
            id,
            json!([{"op": "replace", "value": {"active": false}}]),
        )
        .await;
    assert_eq!(patched["active"], false);
    let app_user = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(app_user["state"], "Inactive");
}

#[tokio::test]
async fn entra_user_provisioning_sequence() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let miss = scim
        .req(&app, Method::GET, "/Users")
        .query(&[(
            "filter",
            "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"",
        )])
        .ok()
        .await;
    assert_eq!(miss["totalResults"], 0);
    let created = scim
        .create(
            &app,
            json!({
                "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.onmicrosoft.com",
                "active": true,
                "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b@contoso.com"}],
                "meta": {"resourceType": "User"},
                "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                "roles": [],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "IT", "manager": {"value": "x"}}
            }),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["displayName"], "givenName familyName");
    assert_eq!(
        created["roles"],
        json!([{"value": "AppMember", "primary": true}])
    );
    let hit = scim
        .req(&app, Method::GET, "/Users")
        .query(&[(
            "filter",
            "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"",
        )])
        .ok()
        .await;
    assert_eq!(hit["Resources"][0]["id"], id);
    let by_name = scim
        .req(&app, Method::GET, "/Users")
        .query(&[("filter", "displayName eq \"GIVENNAME familyname\"")])
        .ok()
        .await;
    assert_eq!(by_name["totalResults"], 1);
    // A path-less multi-attribute replace with dotted keys, PascalCase ops.
    let body = json!({"schemas": [PATCH_OP], "Operations": [
        {"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"},
        {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
        {"op": "Replace", "value": {"name.givenName": "Updated", "name.familyName": "Name", "displayName": "Updated Name"}},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "123"},
    ]});
    let patched = scim
        .send(&app, Method::PATCH, &format!("/Users/{id}"), &body)
        .ok()
        .await;
    assert_eq!(
        patched["userName"],
        "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    );
    assert_eq!(patched["emails"][0]["value"], "updatedEmail@microsoft.com");
    assert_eq!(patched["name"]["givenName"], "Updated");
    assert_eq!(patched["displayName"], "Updated Name");
    // Entra disables with a string boolean.
    let disabled = scim
        .patch(
            &app,
            id,
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
        )
        .await;
    assert_eq!(disabled["active"], false);
    let enabled = scim
        .patch(
            &app,
            id,
            json!([{"op": "Replace", "value": {"active": "True"}}]),
        )
        .await;
    assert_eq!(enabled["active"], true);
}
