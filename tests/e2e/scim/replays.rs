//! The requests Okta and Microsoft Entra send, in their documented order: users, and group
//! push.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{member_ids, Scim, GROUP, PATCH_OP, USER};

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

#[tokio::test]
async fn okta_group_push_sequence() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let a = scim.user(&app, "test.user@okta.local").await;
    let b = scim.user(&app, "other.user@okta.local").await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    // Push Groups: create the group, then set its members.
    let group = scim
        .send(
            &app,
            Method::POST,
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "Test SCIMv2", "members": []}),
        )
        .created()
        .await;
    let id = group["id"].as_str().unwrap();
    let path = format!("/Groups/{id}");
    let page = scim
        .req(&app, Method::GET, "/Groups?startIndex=1&count=100")
        .ok()
        .await;
    assert_eq!(page["totalResults"], 1);
    let light = scim
        .req(
            &app,
            Method::GET,
            &format!("{path}?excludedAttributes=members"),
        )
        .ok()
        .await;
    assert_eq!(light["displayName"], "Test SCIMv2");
    let added = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "add", "path": "members", "value": [
                {"value": a, "display": "test.user@okta.local"},
                {"value": b, "display": "other.user@okta.local"}
            ]}]),
        )
        .ok()
        .await;
    let mut both = vec![a.to_owned(), b.to_owned()];
    both.sort();
    assert_eq!(member_ids(&added), both);
    // Membership changes: a removal by filter path and an add in one PatchOp.
    let removed = scim
        .patch_at(
            &app,
            &path,
            json!([
                {"op": "remove", "path": format!("members[value eq \"{a}\"]")},
                {"op": "add", "path": "members", "value": []}
            ]),
        )
        .ok()
        .await;
    assert_eq!(member_ids(&removed), [b.to_owned()]);
    // Rename: a path-less replace with the id along.
    let renamed = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "replace", "value": {"id": id, "displayName": "Test SCIMv2 renamed"}}]),
        )
        .ok()
        .await;
    assert_eq!(renamed["displayName"], "Test SCIMv2 renamed");
    assert_eq!(member_ids(&renamed), [b.to_owned()]);
    let app_group = app
        .admin(Method::GET, &format!("/api/v1/app/groups/{id}/members"))
        .ok()
        .await;
    assert_eq!(app_group["total_count"], 1, "{app_group}");
    scim.req(&app, Method::DELETE, &path).status(204).await;
    scim.req(&app, Method::GET, &path)
        .scim_error(404, None)
        .await;
}

#[tokio::test]
async fn entra_group_provisioning_sequence() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@contoso.com").await;
    let other = scim.user(&app, "alan@contoso.com").await;
    let (u, o) = (user["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    let external = "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159";
    // Does the group exist? By displayName, then by externalId: misses.
    for filter in [
        "displayName eq \"Group1DisplayName\"".to_owned(),
        format!("externalId eq \"{external}\""),
    ] {
        let miss = scim
            .req(&app, Method::GET, "/Groups")
            .query(&[("excludedAttributes", "members"), ("filter", &filter)])
            .ok()
            .await;
        assert_eq!(miss["totalResults"], 0, "{filter}");
        assert_eq!(miss["Resources"], json!([]));
    }
    let group = scim
        .send(
            &app,
            Method::POST,
            "/Groups",
            &json!({"schemas": [GROUP], "externalId": external,
                    "displayName": "Group1DisplayName", "meta": {"resourceType": "Group"}}),
        )
        .created()
        .await;
    let id = group["id"].as_str().unwrap();
    let path = format!("/Groups/{id}");
    let hit = scim
        .req(&app, Method::GET, "/Groups")
        .query(&[
            ("excludedAttributes", "members"),
            ("filter", &format!("externalId eq \"{external}\"")),
        ])
        .ok()
        .await;
    assert_eq!(hit["Resources"][0]["id"], id);
    assert!(hit["Resources"][0].get("members").is_none());
    // PascalCase ops, with Entra's `$ref: null`.
    let added = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u}, {"$ref": null, "value": o}]}]),
        )
        .ok()
        .await;
    assert_eq!(member_ids(&added).len(), 2);
    // Is the user a member? id and members[value eq …].
    let member = scim
        .req(&app, Method::GET, "/Groups")
        .query(&[
            ("excludedAttributes", "members"),
            (
                "filter",
                &format!("id eq \"{id}\" and members[value eq \"{u}\"]"),
            ),
        ])
        .ok()
        .await;
    assert_eq!(member["totalResults"], 1);
    // Both forms of member removal.
    let one = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": u}]}]),
        )
        .ok()
        .await;
    assert_eq!(member_ids(&one), [o.to_owned()]);
    let none = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Remove", "path": format!("members[value eq \"{o}\"]")}]),
        )
        .ok()
        .await;
    assert!(none.get("members").is_none(), "{none}");
    let renamed = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]),
        )
        .ok()
        .await;
    assert_eq!(
        renamed["displayName"],
        "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    );
    let by_name = scim
        .req(&app, Method::GET, "/Groups")
        .query(&[(
            "filter",
            "displayName eq \"1879DB59-3bdf-4490-ad68-ab880a269474updatedDisplayName\"",
        )])
        .ok()
        .await;
    assert_eq!(by_name["totalResults"], 1);
    scim.req(&app, Method::DELETE, &path).status(204).await;
    scim.req(&app, Method::GET, &path)
        .scim_error(404, None)
        .await;
}
