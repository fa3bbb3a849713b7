//! SCIM Groups: create, get, replace, delete, the events they write, a User's groups,
//! errors and tenancy.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{Scim, GROUP};

fn id(v: &serde_json::Value) -> &str {
    v["id"].as_str().unwrap()
}

#[tokio::test]
async fn create_get_replace_and_delete_a_group_with_its_members() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ada = scim.user(&app, "ada@example.com").await;
    let alan = scim.user(&app, "alan@example.com").await;
    let reply = scim
        .send(
            &app,
            Method::POST,
            "/Groups",
            &json!({
                "schemas": [GROUP],
                "displayName": "Engineering",
                "externalId": "00g1emaKYZTWRYYRRTSK",
                "members": [{"value": id(&ada), "display": "Ada"}, {"value": id(&alan)}],
            }),
        )
        .status(201)
        .await;
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    let group = reply.json();
    let gid = id(&group);
    assert!(gid.starts_with("grp_"), "{group}");
    let location = reply.header("location").unwrap();
    assert!(
        location.ends_with(&format!("/scim/v2/Groups/{gid}")),
        "{location}"
    );
    assert_eq!(group["meta"]["location"], location);
    assert_eq!(group["meta"]["resourceType"], "Group");
    assert_eq!(reply.header("etag"), group["meta"]["version"].as_str());
    assert_eq!(group["schemas"], json!([GROUP]));
    assert_eq!(group["displayName"], "Engineering");
    assert_eq!(group["externalId"], "00g1emaKYZTWRYYRRTSK");
    let members = group["members"].as_array().unwrap();
    assert_eq!(members.len(), 2, "{group}");
    let ada_member = members.iter().find(|m| m["value"] == id(&ada)).unwrap();
    assert!(ada_member["$ref"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/scim/v2/Users/{}", id(&ada))));
    // `display` (the user's name, not the one sent) is returned on request.
    assert!(ada_member.get("display").is_none(), "{ada_member}");
    let named = scim
        .req(
            &app,
            Method::GET,
            &format!("/Groups/{gid}?attributes=displayName,members.value,members.display"),
        )
        .ok()
        .await;
    let ada_named = named["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["value"] == id(&ada))
        .unwrap();
    assert_eq!(
        ada_named,
        &json!({"value": id(&ada), "display": "Ada Lovelace"})
    );
    let listed_named = scim
        .req(&app, Method::GET, "/Groups?attributes=members.display")
        .ok()
        .await;
    assert_eq!(
        listed_named["Resources"][0]["members"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{listed_named}"
    );
    assert!(listed_named["Resources"][0]["members"][0]["display"].is_string());
    // The same group in the App API, and the user's read-only groups.
    let app_group = app
        .admin(Method::GET, &format!("/api/v1/app/groups/{gid}"))
        .ok()
        .await;
    assert_eq!(app_group["display_name"], "Engineering");
    let user = scim
        .req(&app, Method::GET, &format!("/Users/{}", id(&ada)))
        .ok()
        .await;
    assert_eq!(user["groups"][0]["value"], gid);
    assert_eq!(user["groups"][0]["display"], "Engineering");
    let listed = scim
        .req(&app, Method::GET, "/Users?excludedAttributes=groups")
        .ok()
        .await;
    assert!(listed["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u.get("groups").is_none()));
    let got = scim
        .req(&app, Method::GET, &format!("/Groups/{gid}"))
        .ok()
        .await;
    assert_eq!(got, group);
    // PUT: the fields and exactly the members sent.
    let put = scim
        .send(
            &app,
            Method::PUT,
            &format!("/Groups/{gid}"),
            &json!({"schemas": [GROUP], "displayName": "Eng", "members": [{"value": id(&alan)}]}),
        )
        .ok()
        .await;
    assert_eq!(put["displayName"], "Eng");
    assert!(put.get("externalId").is_none(), "{put}");
    let alan_member = members.iter().find(|m| m["value"] == id(&alan)).unwrap();
    assert_eq!(put["members"], json!([alan_member]));
    // Every write was the domain's, with the events of the App API and actor `scim`.
    let events = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE target_id = '{gid}' AND actor_type = 'scim' \
             AND type IN ('group.created', 'group.member_added', 'group.updated', 'group.member_removed')"
        ))
        .await;
    assert_eq!(events, 5, "created, 2 added, updated, 1 removed");
    scim.req(&app, Method::DELETE, &format!("/Groups/{gid}"))
        .status(204)
        .await;
    scim.req(&app, Method::GET, &format!("/Groups/{gid}"))
        .scim_error(404, None)
        .await;
    let deleted = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE target_id = '{gid}' AND type = 'group.deleted' AND actor_type = 'scim'"
        ))
        .await;
    assert_eq!(deleted, 1);
    // The users stay.
    scim.req(&app, Method::GET, &format!("/Users/{}", id(&alan)))
        .ok()
        .await;
}

#[tokio::test]
async fn bad_groups_are_scim_errors_that_write_nothing() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ada = scim.user(&app, "ada@example.com").await;
    let group = scim.group(&app, "Engineering", &[id(&ada)]).await;
    let post = |body: serde_json::Value| scim.send(&app, Method::POST, "/Groups", &body);
    // The display name is unique in the org whatever its case.
    post(json!({"displayName": "ENGINEERING"}))
        .scim_error(409, Some("uniqueness"))
        .await;
    post(json!({"displayName": 7}))
        .scim_error(400, Some("invalidValue"))
        .await;
    post(json!({"externalId": "x"}))
        .scim_error(400, Some("invalidValue"))
        .await;
    post(json!({"displayName": "x", "members": "nope"}))
        .scim_error(400, Some("invalidValue"))
        .await;
    post(json!({"displayName": "x", "members": [{"value": "user_00000000000000ff"}]}))
        .scim_error(400, Some("invalidValue"))
        .await;
    scim.req(&app, Method::POST, "/Groups")
        .header("content-type", "application/scim+json")
        .body("{\"displayName\": ")
        .scim_error(400, Some("invalidSyntax"))
        .await;
    // A member of another org is refused, on create and on PATCH.
    let globex = Scim::of_new_org(&app, "globex").await;
    let stranger = globex.user(&app, "eve@globex.test").await;
    post(json!({"displayName": "x", "members": [{"value": id(&stranger)}]}))
        .scim_error(400, Some("invalidValue"))
        .await;
    let path = format!("/Groups/{}", id(&group));
    scim.patch_at(
        &app,
        &path,
        json!([{"op": "add", "path": "members", "value": [{"value": id(&stranger)}]}]),
    )
    .scim_error(400, Some("invalidValue"))
    .await;
    // A rename onto a taken name.
    scim.group(&app, "Sales", &[]).await;
    scim.patch_at(
        &app,
        &path,
        json!([{"op": "replace", "path": "displayName", "value": "sales"}]),
    )
    .scim_error(409, Some("uniqueness"))
    .await;
    scim.patch_at(
        &app,
        &path,
        json!([{"op": "replace", "path": "bogus", "value": 1}]),
    )
    .scim_error(400, Some("invalidPath"))
    .await;
    scim.patch_at(&app, &path, json!([{"op": "remove"}]))
        .scim_error(400, Some("noTarget"))
        .await;
    let unchanged = scim.req(&app, Method::GET, &path).ok().await;
    assert_eq!(unchanged["displayName"], "Engineering");
    assert_eq!(unchanged["members"].as_array().map(Vec::len), Some(1));
    let groups = app.sql_count("SELECT count(*) AS n FROM org_groups").await;
    assert_eq!(groups, 2, "Engineering and Sales only");
    for path in ["/Groups/grp_00000000000000ff", "/Groups/nope"] {
        scim.req(&app, Method::GET, path)
            .scim_error(404, None)
            .await;
        scim.req(&app, Method::DELETE, path)
            .scim_error(404, None)
            .await;
    }
}

#[tokio::test]
async fn another_orgs_groups_are_404() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let group = scim.group(&app, "Engineering", &[]).await;
    let theirs = Scim::of_new_org(&app, "globex").await;
    let path = format!("/Groups/{}", id(&group));
    theirs
        .req(&app, Method::GET, &path)
        .scim_error(404, None)
        .await;
    theirs
        .send(&app, Method::PUT, &path, &json!({"displayName": "Mine"}))
        .scim_error(404, None)
        .await;
    theirs
        .patch_at(
            &app,
            &path,
            json!([{"op": "replace", "path": "displayName", "value": "Mine"}]),
        )
        .scim_error(404, None)
        .await;
    theirs
        .req(&app, Method::DELETE, &path)
        .scim_error(404, None)
        .await;
    let list = theirs.req(&app, Method::GET, "/Groups").ok().await;
    assert_eq!(list["totalResults"], 0, "{list}");
    // The same name is free in another org.
    theirs.group(&app, "Engineering", &[]).await;
    let ours = scim.req(&app, Method::GET, &path).ok().await;
    assert_eq!(ours["displayName"], "Engineering");
}

#[tokio::test]
async fn if_match_guards_replace_patch_and_delete() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ada = scim.user(&app, "ada@example.com").await;
    let group = scim.group(&app, "Engineering", &[]).await;
    let path = format!("/Groups/{}", id(&group));
    let v1 = group["meta"]["version"].as_str().unwrap().to_owned();
    let added = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "add", "path": "members", "value": [{"value": id(&ada)}]}]),
        )
        .header("if-match", &v1)
        .ok()
        .await;
    let v2 = added["meta"]["version"].as_str().unwrap().to_owned();
    assert_ne!(v1, v2, "a member change is a new version");
    scim.send(&app, Method::PUT, &path, &json!({"displayName": "x"}))
        .header("if-match", &v1)
        .scim_error(412, None)
        .await;
    scim.patch_at(
        &app,
        &path,
        json!([{"op": "replace", "path": "displayName", "value": "x"}]),
    )
    .header("if-match", &v1)
    .scim_error(412, None)
    .await;
    scim.req(&app, Method::DELETE, &path)
        .header("if-match", &v1)
        .scim_error(412, None)
        .await;
    scim.req(&app, Method::DELETE, &path)
        .header("if-match", &v2)
        .status(204)
        .await;
}
