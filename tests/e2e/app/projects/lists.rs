//! Project lists (pinned first, then newest), pins, a user's project list, and the
//! OpenAPI document of the project routes.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{admin_project, create_project_as, ids, person};

#[tokio::test]
async fn list_projects_is_pinned_first_then_newest_and_pages() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(admin_project(&app, &format!("P{n}"), "Private").await);
    }
    // Pin the two oldest.
    for id in [&created[0], &created[1]] {
        let p = app
            .admin(Method::POST, &format!("/api/v1/app/project/{id}/pin"))
            .ok()
            .await;
        assert_eq!(p["is_pinned"], true, "{p}");
    }
    let expected = [
        &created[1],
        &created[0],
        &created[4],
        &created[3],
        &created[2],
    ];
    let list = app.admin(Method::GET, "/api/v1/app/project").ok().await;
    assert_eq!(ids(&list), expected.map(|s| s.to_owned()));
    let pinned: Vec<bool> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["is_pinned"].as_bool().unwrap())
        .collect();
    assert_eq!(pinned, [true, true, false, false, false]);
    assert_eq!(list["total_count"], 5);
    assert_eq!(list["has_next_page"], false);
    assert_eq!(list["has_previous_page"], false);

    let page = app
        .admin(Method::GET, "/api/v1/app/project?page=2&page_size=2")
        .ok()
        .await;
    assert_eq!(ids(&page), [created[4].clone(), created[3].clone()]);
    assert_eq!(page["total_count"], 5);
    assert_eq!(page["has_next_page"], true);
    assert_eq!(page["has_previous_page"], true);
    let last = app
        .admin(Method::GET, "/api/v1/app/project?page=3&page_size=2")
        .ok()
        .await;
    assert_eq!(ids(&last), [created[2].clone()]);
    assert_eq!(last["has_next_page"], false);
    let beyond = app
        .admin(Method::GET, "/api/v1/app/project?page=9&page_size=2")
        .ok()
        .await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["total_count"], 5);

    // Pins are per user: another admin sees none pinned.
    let other = person(&app, "admin2@acme.test", "AppAdmin").await;
    let theirs = other
        .req(&app, Method::GET, "/api/v1/app/project")
        .ok()
        .await;
    assert_eq!(
        ids(&theirs),
        [4, 3, 2, 1, 0].map(|i| created[i].clone()),
        "newest first"
    );
    assert!(theirs["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["is_pinned"] == false));
}

#[tokio::test]
async fn list_projects_filters_by_visibility_and_rejects_bad_paging() {
    let app = TestApp::spawn().await;
    let private = admin_project(&app, "Private one", "Private").await;
    let open = admin_project(&app, "Org one", "Org").await;
    let list = app
        .admin(Method::GET, "/api/v1/app/project?visibility=Org")
        .ok()
        .await;
    assert_eq!(ids(&list), [open]);
    let list = app
        .admin(Method::GET, "/api/v1/app/project?visibility=Private")
        .ok()
        .await;
    assert_eq!(ids(&list), [private]);

    let body = app
        .admin(Method::GET, "/api/v1/app/project?visibility=Public")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "visibility", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("Private"),
        "{body}"
    );

    for (query, field) in [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page_size=abc", "page_size"),
        ("page=1.5", "page"),
    ] {
        let body = app
            .admin(Method::GET, &format!("/api/v1/app/project?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let list = app
        .admin(Method::GET, "/api/v1/app/project?page_size=100")
        .ok()
        .await;
    assert_eq!(list["total_count"], 2);
}

#[tokio::test]
async fn pins_are_per_user_idempotent_and_open_to_anyone_who_sees_the_project() {
    let app = TestApp::spawn().await;
    let reader = person(&app, "reader@acme.test", "AppMember").await;
    let open = admin_project(&app, "Open", "Org").await;
    let path = format!("/api/v1/app/project/{open}/pin");
    for _ in 0..2 {
        let p = reader.req(&app, Method::POST, &path).ok().await;
        assert_eq!(p["id"], open.as_str());
        assert_eq!(p["is_pinned"], true);
    }
    let p = reader
        .req(&app, Method::GET, &format!("/api/v1/app/project/{open}"))
        .ok()
        .await;
    assert_eq!(p["is_pinned"], true);
    let p = app
        .admin(Method::GET, &format!("/api/v1/app/project/{open}"))
        .ok()
        .await;
    assert_eq!(p["is_pinned"], false, "the admin did not pin it");

    for _ in 0..2 {
        reader.req(&app, Method::DELETE, &path).no_content().await;
    }
    let p = reader
        .req(&app, Method::GET, &format!("/api/v1/app/project/{open}"))
        .ok()
        .await;
    assert_eq!(p["is_pinned"], false);

    reader
        .req(&app, Method::GET, &path)
        .problem(405, "method_not_allowed")
        .await;
    reader
        .req(
            &app,
            Method::POST,
            "/api/v1/app/project/proj_0000000000000000/pin",
        )
        .problem(404, "project_not_found")
        .await;
}

#[tokio::test]
async fn a_users_project_list_is_for_that_user_or_an_admin() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let lee = person(&app, "lee@acme.test", "AppMember").await;
    let mine = create_project_as(&app, &sasha.token, json!({"name": "Mine"})).await;
    let mine = mine["id"].as_str().unwrap().to_owned();
    let open = admin_project(&app, "Open", "Org").await;
    let _hidden = admin_project(&app, "Admin only", "Private").await;
    let newest = create_project_as(&app, &sasha.token, json!({"name": "Newest"})).await;
    let newest = newest["id"].as_str().unwrap().to_owned();
    sasha
        .req(
            &app,
            Method::POST,
            &format!("/api/v1/app/project/{open}/pin"),
        )
        .status(200)
        .await;

    let path = format!("/api/v1/app/user/{}/project", sasha.id);
    let expected = [open.clone(), newest.clone(), mine.clone()];
    let own = sasha.req(&app, Method::GET, &path).ok().await;
    assert_eq!(
        ids(&own),
        expected,
        "pinned first, then newest; no private project of others"
    );
    assert_eq!(own["total_count"], 3);
    assert_eq!(own["data"][0]["is_pinned"], true);
    assert_eq!(own["data"][1]["is_pinned"], false);
    assert_eq!(own["has_next_page"], false);
    assert_eq!(own["has_previous_page"], false);
    assert_eq!(own["next_cursor"], Value::Null);

    // An AppAdmin sees the same list, with is_pinned for sasha, not for the admin.
    let seen = app.admin(Method::GET, &path).ok().await;
    assert_eq!(seen, own);

    let paged = sasha
        .req(&app, Method::GET, &format!("{path}?page=2&page_size=2"))
        .ok()
        .await;
    assert_eq!(ids(&paged), [mine]);
    assert_eq!(paged["has_previous_page"], true);

    let body = lee
        .req(&app, Method::GET, &path)
        .problem(403, "admin_required")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("AppAdmin"),
        "{body}"
    );

    for (query, field) in [
        ("page_size=101", "page_size"),
        ("page=0", "page"),
        ("page=x", "page"),
    ] {
        let body = sasha
            .req(&app, Method::GET, &format!("{path}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    for bad in ["user_0000000000000000", "nope", "proj_0000000000000000"] {
        app.admin(Method::GET, &format!("/api/v1/app/user/{bad}/project"))
            .problem(404, "user_not_found")
            .await;
    }
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    app.admin(
        Method::GET,
        &format!("/api/v1/app/user/{}/project", globex.user_id),
    )
    .problem(404, "user_not_found")
    .await;

    // The admin's own list holds every project of the org.
    let all = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user/{}/project", app.admin.user_id),
        )
        .ok()
        .await;
    assert_eq!(all["total_count"], 4, "{all}");
}

#[tokio::test]
async fn openapi_documents_the_project_routes() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let expected = [
        ("/api/v1/app/project", "get", "200"),
        ("/api/v1/app/project", "post", "201"),
        ("/api/v1/app/project/{id}", "get", "200"),
        ("/api/v1/app/project/{id}", "put", "200"),
        ("/api/v1/app/project/{id}", "delete", "204"),
        ("/api/v1/app/project/{id}/pin", "post", "200"),
        ("/api/v1/app/project/{id}/pin", "delete", "204"),
        ("/api/v1/app/project/{id}/member", "get", "200"),
        ("/api/v1/app/project/{id}/member", "post", "201"),
        ("/api/v1/app/project/{id}/member/{user_id}", "put", "200"),
        ("/api/v1/app/project/{id}/member/{user_id}", "delete", "204"),
        ("/api/v1/app/project/{id}/artifact", "get", "200"),
        ("/api/v1/app/project/{id}/artifact", "post", "201"),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "get",
            "200",
        ),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "patch",
            "200",
        ),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "delete",
            "204",
        ),
        ("/api/v1/app/user/{id}/project", "get", "200"),
        ("/api/v1/app/user/{id}/latest-artifacts", "get", "200"),
        ("/api/v1/app/user/integrations", "get", "200"),
        ("/api/v1/app/user/integrations", "post", "201"),
        ("/api/v1/app/user/integrations/{id}", "delete", "204"),
    ];
    for (path, method, ok) in expected {
        let responses = &doc["paths"][path][method]["responses"];
        assert!(responses.is_object(), "{method} {path} is not documented");
        for status in [ok, "400", "401", "403", "500", "503"] {
            assert!(
                responses[status].is_object(),
                "{method} {path} lacks {status}: {responses}"
            );
        }
        if path.contains('{') {
            assert!(responses["404"].is_object(), "{method} {path} lacks 404");
        }
    }
    for (path, method) in [
        ("/api/v1/app/project/{id}/member", "post"),
        ("/api/v1/app/project/{id}/member/{user_id}", "put"),
        ("/api/v1/app/project/{id}/member/{user_id}", "delete"),
        ("/api/v1/app/user/integrations", "post"),
    ] {
        assert!(
            doc["paths"][path][method]["responses"]["409"].is_object(),
            "{method} {path} lacks 409"
        );
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/app/project/{id}/artifact"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "x-org",
        "id",
        "page",
        "page_size",
        "after",
        "first",
        "type",
        "state",
    ] {
        assert!(
            params.contains(&name),
            "artifact list lacks {name}: {params:?}"
        );
    }
    let schemas = &doc["components"]["schemas"];
    for field in [
        "member_count",
        "is_pinned",
        "default_member_role",
        "deadline",
    ] {
        assert!(
            schemas["Project"]["properties"][field].is_object(),
            "Project.{field}: {}",
            schemas["Project"]
        );
    }
    assert!(schemas["Artifact"]["properties"]["type"].is_object());
    assert!(schemas["Artifact"]["properties"]["ingest_status"].is_object());
    assert_eq!(
        schemas["ArtifactType"]["enum"],
        json!(["Document", "Spreadsheet", "Presentation", "Image", "Other"])
    );
    assert_eq!(schemas["Visibility"]["enum"], json!(["Private", "Org"]));
}
