//! SCIM Users: create, get, replace, paging, projections, versions, errors and tenancy.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{Scim, USER};

#[tokio::test]
async fn create_answers_201_with_location_and_the_user_as_stored() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let reply = scim
        .send(
            &app,
            Method::POST,
            "/Users",
            &json!({
                "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "userName": "Ada.Lovelace@Example.com",
                "externalId": "00u1ABC",
                "name": {"givenName": "Ada", "familyName": "Lovelace", "middleName": "King"},
                "displayName": "Ada L.",
                "title": "Analyst",
                "active": true,
                "emails": [
                    {"value": "other@example.com", "type": "home"},
                    {"value": "ada@example.com", "type": "work", "primary": true}
                ],
                "phoneNumbers": [{"value": "+1 555", "type": "work"}],
                "password": "ignored-Secret-1",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"},
            }),
        )
        .status(201)
        .await;
    assert_eq!(reply.header("content-type"), Some("application/scim+json"));
    let user = reply.json();
    let id = user["id"].as_str().unwrap();
    assert!(id.starts_with("user_"), "{user}");
    let location = reply.header("location").unwrap();
    assert!(
        location.ends_with(&format!("/scim/v2/Users/{id}")),
        "{location}"
    );
    assert_eq!(user["meta"]["location"], location);
    assert_eq!(reply.header("etag"), user["meta"]["version"].as_str());
    assert!(user["meta"]["version"]
        .as_str()
        .unwrap()
        .starts_with("W/\""));
    assert_eq!(user["meta"]["resourceType"], "User");
    assert_eq!(user["userName"], "Ada.Lovelace@Example.com");
    assert_eq!(user["externalId"], "00u1ABC");
    assert_eq!(user["displayName"], "Ada L.");
    assert_eq!(user["name"]["givenName"], "Ada");
    assert_eq!(user["title"], "Analyst");
    assert_eq!(user["active"], true);
    assert_eq!(
        user["emails"],
        json!([{"value": "ada@example.com", "type": "work"}])
    );
    assert_eq!(
        user["roles"],
        json!([{"value": "AppMember", "primary": true}])
    );
    for absent in [
        "phoneNumbers",
        "password",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ] {
        assert!(user.get(absent).is_none(), "{absent} is not stored: {user}");
    }
    // The App API sees the same user.
    let app_user = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(app_user["email"], "ada@example.com");
    assert_eq!(app_user["name"], "Ada L.");
    assert_eq!(app_user["job_position_name"], "Analyst");
    assert_eq!(app_user["roles"], json!(["AppMember"]));
    let got = scim
        .req(&app, Method::GET, &format!("/Users/{id}"))
        .ok()
        .await;
    assert_eq!(got, user);
}

#[tokio::test]
async fn the_email_comes_from_the_user_name_and_none_at_all_is_invalid_value() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim
        .create(&app, json!({"userName": "grace@example.com"}))
        .await;
    assert_eq!(user["emails"][0]["value"], "grace@example.com");
    assert_eq!(user["displayName"], "grace@example.com");
    scim.send(
        &app,
        Method::POST,
        "/Users",
        &json!({"userName": "no-email"}),
    )
    .scim_error(400, Some("invalidValue"))
    .await;
    scim.send(
        &app,
        Method::POST,
        "/Users",
        &json!({"name": {"givenName": "x"}}),
    )
    .scim_error(400, Some("invalidValue"))
    .await;
    // A user created outside SCIM has its email as userName.
    let outside = app.create_user("linus@acme.test", "AppMember").await;
    let id = outside["id"].as_str().unwrap();
    let got = scim
        .req(&app, Method::GET, &format!("/Users/{id}"))
        .ok()
        .await;
    assert_eq!(got["userName"], "linus@acme.test");
    assert!(got.get("externalId").is_none());
}

#[tokio::test]
async fn a_duplicate_user_name_in_any_case_is_a_409_uniqueness() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    scim.create(
        &app,
        json!({"userName": "bjensen", "emails": [{"value": "b@example.com"}]}),
    )
    .await;
    scim.send(
        &app,
        Method::POST,
        "/Users",
        &json!({"userName": "BJENSEN", "emails": [{"value": "other@example.com"}]}),
    )
    .scim_error(409, Some("uniqueness"))
    .await;
    // The same email is taken too; so is a userName equal to another user's email.
    scim.send(
        &app,
        Method::POST,
        "/Users",
        &json!({"userName": "babs", "emails": [{"value": "B@example.com"}]}),
    )
    .scim_error(409, Some("uniqueness"))
    .await;
    scim.send(
        &app,
        Method::POST,
        "/Users",
        &json!({"userName": "admin@acme.test"}),
    )
    .scim_error(409, Some("uniqueness"))
    .await;
    let list = scim.req(&app, Method::GET, "/Users").ok().await;
    assert_eq!(list["totalResults"], 2, "the admin and bjensen: {list}");
}

#[tokio::test]
async fn bad_bodies_are_invalid_syntax_or_invalid_value() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    for body in ["{\"userName\":", "", "not json", "[1"] {
        scim.req(&app, Method::POST, "/Users")
            .header("content-type", "application/scim+json")
            .body(body)
            .scim_error(400, Some("invalidSyntax"))
            .await;
    }
    for bad in [
        json!({"userName": 5}),
        json!({"userName": "x@example.com", "active": "maybe"}),
        json!({"userName": "x@example.com", "active": 1}),
        json!({"userName": "x@example.com", "name": "Ada"}),
        json!({"userName": "x@example.com", "emails": "x@example.com"}),
        json!({"userName": "x@example.com", "emails": [{"value": "not-an-email"}]}),
        json!({"userName": "x@example.com", "title": "t".repeat(201)}),
        json!({"userName": "u".repeat(257), "emails": [{"value": "x@example.com"}]}),
    ] {
        scim.send(&app, Method::POST, "/Users", &bad)
            .scim_error(400, Some("invalidValue"))
            .await;
    }
    let list = scim.req(&app, Method::GET, "/Users").ok().await;
    assert_eq!(list["totalResults"], 1, "nothing was created: {list}");
}

#[tokio::test]
async fn put_replaces_and_a_stale_if_match_is_412() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    let version = user["meta"]["version"].as_str().unwrap().to_owned();
    let replaced = scim
        .send(
            &app,
            Method::PUT,
            &format!("/Users/{id}"),
            &json!({"schemas": [USER], "userName": "ada.l@example.com", "name": {"givenName": "Ada"},
                    "emails": [{"value": "ada.l@example.com", "primary": true}], "active": false}),
        )
        .header("if-match", &version)
        .ok()
        .await;
    assert_eq!(replaced["userName"], "ada.l@example.com");
    assert_eq!(replaced["active"], false);
    assert!(
        replaced["name"].get("familyName").is_none(),
        "PUT replaces: {replaced}"
    );
    assert_ne!(replaced["meta"]["version"].as_str().unwrap(), version);
    let app_user = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(app_user["state"], "Inactive");

    scim.send(
        &app,
        Method::PUT,
        &format!("/Users/{id}"),
        &json!({"userName": "z@example.com"}),
    )
    .header("if-match", &version)
    .scim_error(412, None)
    .await;
    scim.send(
        &app,
        Method::PATCH,
        &format!("/Users/{id}"),
        &json!({"Operations": [{"op": "replace", "path": "title", "value": "x"}]}),
    )
    .header("if-match", &version)
    .scim_error(412, None)
    .await;
    let current = scim
        .req(&app, Method::GET, &format!("/Users/{id}"))
        .reply()
        .await;
    let etag = current.header("etag").unwrap().to_owned();
    scim.send(
        &app,
        Method::PUT,
        &format!("/Users/{id}"),
        &json!({"userName": "ada.l@example.com", "title": "Countess"}),
    )
    .header("if-match", &etag)
    .ok()
    .await;
}

#[tokio::test]
async fn paging_is_clamped_and_total_results_is_exact() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    for i in 0..4 {
        scim.user(&app, &format!("u{i}@example.com")).await;
    }
    let page = scim
        .req(&app, Method::GET, "/Users?startIndex=2&count=2")
        .ok()
        .await;
    assert_eq!(
        page["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(page["totalResults"], 5);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 2);
    assert_eq!(page["Resources"][0]["userName"], "u0@example.com");
    let clamped = scim
        .req(&app, Method::GET, "/Users?startIndex=-5&count=-1")
        .ok()
        .await;
    assert_eq!(clamped["startIndex"], 1);
    assert_eq!(clamped["itemsPerPage"], 0);
    assert_eq!(clamped["totalResults"], 5);
    let big = scim
        .req(&app, Method::GET, "/Users?count=100000000000000000000")
        .ok()
        .await;
    assert_eq!(big["itemsPerPage"], 5);
    let beyond = scim
        .req(&app, Method::GET, "/Users?startIndex=99")
        .ok()
        .await;
    assert_eq!(beyond["Resources"], json!([]));
    assert_eq!(beyond["totalResults"], 5);
    scim.req(&app, Method::GET, "/Users?count=ten")
        .scim_error(400, Some("invalidValue"))
        .await;
}

#[tokio::test]
async fn attributes_and_excluded_attributes_shape_the_answer() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    let only = scim
        .req(
            &app,
            Method::GET,
            &format!("/Users/{id}?attributes=userName,name.givenName"),
        )
        .ok()
        .await;
    assert_eq!(
        only,
        json!({"schemas": [USER], "id": id, "userName": "ada@example.com", "name": {"givenName": "Ada"}})
    );
    let without = scim
        .req(
            &app,
            Method::GET,
            "/Users?excludedAttributes=emails,meta,name.familyName",
        )
        .ok()
        .await;
    let listed = &without["Resources"][1];
    assert!(
        listed.get("emails").is_none() && listed.get("meta").is_none(),
        "{listed}"
    );
    assert_eq!(listed["name"], json!({"givenName": "Ada"}));
    assert_eq!(listed["userName"], "ada@example.com");
}

#[tokio::test]
async fn another_orgs_users_are_404_and_unknown_ids_too() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ours = scim.user(&app, "ada@example.com").await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app
        .as_user(
            &globex.token,
            "globex",
            Method::POST,
            "/api/v1/app/scim-tokens",
        )
        .json(&json!({"name": "Entra"}))
        .created()
        .await;
    let theirs = Scim {
        token: theirs["token"].as_str().unwrap().to_owned(),
    };
    let id = ours["id"].as_str().unwrap();
    let path = format!("/Users/{id}");
    theirs
        .req(&app, Method::GET, &path)
        .scim_error(404, None)
        .await;
    theirs
        .send(
            &app,
            Method::PUT,
            &path,
            &json!({"userName": "x@example.com"}),
        )
        .scim_error(404, None)
        .await;
    theirs
        .send(
            &app,
            Method::PATCH,
            &path,
            &json!({"Operations": [{"op": "replace", "value": {"active": false}}]}),
        )
        .scim_error(404, None)
        .await;
    let list = theirs.req(&app, Method::GET, "/Users").ok().await;
    assert_eq!(list["totalResults"], 1, "only globex's admin: {list}");
    let filtered = theirs
        .req(
            &app,
            Method::GET,
            "/Users?filter=userName%20eq%20%22ada@example.com%22",
        )
        .ok()
        .await;
    assert_eq!(filtered["totalResults"], 0);
    for unknown in ["user_0000000000000000", "nope", "user_ZZ"] {
        scim.req(&app, Method::GET, &format!("/Users/{unknown}"))
            .scim_error(404, None)
            .await;
    }
    let ours_again = scim.req(&app, Method::GET, &path).ok().await;
    assert_eq!(ours_again["active"], true);
}

#[tokio::test]
async fn scim_writes_are_events_of_actor_scim() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    scim.patch(
        &app,
        id,
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    let events = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/audit-events?target_id={id}"),
        )
        .ok()
        .await;
    let data = events["data"].as_array().unwrap();
    let types: Vec<&str> = data.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["user.deactivated", "user.created"], "{events}");
    assert!(
        data.iter().all(|e| e["actor"]["type"] == "scim"),
        "{events}"
    );
    assert!(!events.to_string().contains(&scim.token));
}

#[tokio::test]
async fn delete_answers_204_then_404_and_search_posts_the_query() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let user = scim.user(&app, "ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    let found = scim
        .send(
            &app,
            Method::POST,
            "/Users/.search",
            &json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "userName eq \"ADA@example.com\"", "attributes": ["userName"],
            "startIndex": 1, "count": 10}),
        )
        .ok()
        .await;
    assert_eq!(found["totalResults"], 1);
    assert_eq!(
        found["Resources"][0],
        json!({"schemas": [USER], "id": id, "userName": "ada@example.com"})
    );
    scim.send(
        &app,
        Method::POST,
        "/Users/.search",
        &json!({"filter": "userName eq"}),
    )
    .scim_error(400, Some("invalidFilter"))
    .await;
    scim.send(&app, Method::POST, "/.search", &json!({}))
        .scim_error(501, None)
        .await;

    scim.req(&app, Method::DELETE, &format!("/Users/{id}"))
        .header("if-match", "W/\"1\"")
        .scim_error(412, None)
        .await;
    scim.req(&app, Method::DELETE, &format!("/Users/{id}"))
        .no_content()
        .await;
    scim.req(&app, Method::GET, &format!("/Users/{id}"))
        .scim_error(404, None)
        .await;
    scim.req(&app, Method::DELETE, &format!("/Users/{id}"))
        .scim_error(404, None)
        .await;
    app.admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .problem(404, "user_not_found")
        .await;
    // The org's last active AppAdmin stays.
    scim.req(
        &app,
        Method::DELETE,
        &format!("/Users/{}", app.admin.user_id),
    )
    .scim_error(409, None)
    .await;
}
