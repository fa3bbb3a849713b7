//! Artifact lists of a project (filters, offset and cursor pages) and a user's latest
//! artifacts.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{add_artifact, admin_artifact, artifact_path, names};
use crate::app::fixtures::{admin_project, create_project_as, person};

#[tokio::test]
async fn artifact_lists_are_newest_first_filter_and_page_by_offset_or_cursor() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "P", "Private").await;
    for n in 0..5 {
        let kind = if n % 2 == 0 { "Document" } else { "Image" };
        app.admin(Method::POST, &artifact_path(&project))
            .json(&json!({"name": format!("A{n}"), "type": kind,
                    "state": if n == 4 { "Failed" } else { "Ready" }}))
            .created()
            .await;
    }
    let get =
        |query: String| app.admin(Method::GET, &format!("{}?{query}", artifact_path(&project)));
    let all = get(String::new()).ok().await;
    assert_eq!(names(&all), ["A4", "A3", "A2", "A1", "A0"]);
    assert_eq!(all["total_count"], 5);
    let docs = get("type=Document".into()).ok().await;
    assert_eq!(names(&docs), ["A4", "A2", "A0"]);
    assert_eq!(docs["total_count"], 3);
    let ready_docs = get("type=Document&state=Ready".into()).ok().await;
    assert_eq!(names(&ready_docs), ["A2", "A0"]);

    let page2 = get("page=2&page_size=2".into()).ok().await;
    assert_eq!(names(&page2), ["A2", "A1"]);
    assert_eq!(page2["has_next_page"], true);
    assert_eq!(page2["has_previous_page"], true);

    // Cursors walk forwards (older) and back (newer).
    let first = get("first=2".into()).ok().await;
    assert_eq!(names(&first), ["A4", "A3"]);
    assert_eq!(first["has_next_page"], true);
    assert_eq!(first["has_previous_page"], false);
    let next = first["next_cursor"].as_str().unwrap().to_owned();
    let second = get(format!("after={next}&first=2")).ok().await;
    assert_eq!(names(&second), ["A2", "A1"]);
    assert_eq!(second["has_previous_page"], true);
    assert_eq!(second["has_next_page"], true);
    let next = second["next_cursor"].as_str().unwrap().to_owned();
    let third = get(format!("after={next}&first=2")).ok().await;
    assert_eq!(names(&third), ["A0"]);
    assert_eq!(third["has_next_page"], false);
    assert_eq!(third["next_cursor"], Value::Null);
    let previous = third["previous_cursor"].as_str().unwrap().to_owned();
    let back = get(format!("before={previous}&last=2")).ok().await;
    assert_eq!(names(&back), ["A2", "A1"]);
    assert_eq!(back["has_previous_page"], true);
    assert_eq!(back["has_next_page"], true);
    let tail = get("last=2".into()).ok().await;
    assert_eq!(names(&tail), ["A1", "A0"]);

    for (query, code, field) in [
        ("type=Video", "validation_failed", Some("type")),
        ("state=Done", "validation_failed", Some("state")),
        ("page_size=101", "validation_failed", Some("page_size")),
        ("page=0", "validation_failed", Some("page")),
        ("first=0", "validation_failed", Some("first")),
        ("page_size=ten", "validation_failed", Some("page_size")),
        ("after=not-a-cursor", "validation_failed", Some("after")),
        ("page=2&first=2", "mixed_paging", None),
        ("first=2&last=2", "mixed_paging", None),
    ] {
        let body = get(query.into()).problem(400, code).await;
        if let Some(field) = field {
            assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
        }
    }
}

#[tokio::test]
async fn latest_artifacts_are_a_users_newest_from_projects_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let author = person(&app, "author@acme.test", "AppMember").await;
    let reader = person(&app, "reader@acme.test", "AppMember").await;
    let private = create_project_as(&app, &author.token, json!({"name": "Mine"})).await;
    let private = private["id"].as_str().unwrap().to_owned();
    let open = create_project_as(
        &app,
        &author.token,
        json!({"name": "Ours", "visibility": "Org"}),
    )
    .await;
    let open = open["id"].as_str().unwrap().to_owned();
    for n in 0..12 {
        let project = if n % 3 == 0 { &private } else { &open };
        add_artifact(
            &app,
            &author,
            project,
            json!({"name": format!("L{n:02}"), "type": "Other"}),
        )
        .await;
    }
    // Someone else's artifact is not the author's.
    admin_artifact(&app, &open, "Admin's").await;
    let path = format!("/api/v1/app/user/{}/latest-artifacts", author.id);

    let latest = author.req(&app, Method::GET, &path).ok().await;
    assert!(latest.is_array(), "a bare JSON array: {latest}");
    assert_eq!(
        names(&latest),
        ["L11", "L10", "L09", "L08", "L07", "L06", "L05", "L04", "L03", "L02"],
        "newest first, 10 by default"
    );
    for key in [
        "id",
        "project_id",
        "name",
        "type",
        "source",
        "state",
        "ingest_status",
        "has_content",
        "created_at",
    ] {
        assert!(
            latest[0].get(key).is_some(),
            "seed field {key}: {}",
            latest[0]
        );
    }
    let three = author
        .req(&app, Method::GET, &format!("{path}?limit=3"))
        .ok()
        .await;
    assert_eq!(names(&three), ["L11", "L10", "L09"]);
    let all = author
        .req(&app, Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(all.as_array().unwrap().len(), 12);

    // The reader sees only what came from the Org project.
    let seen = reader
        .req(&app, Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(
        names(&seen),
        ["L11", "L10", "L08", "L07", "L05", "L04", "L02", "L01"]
    );
    assert!(seen
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["project_id"] == open.as_str()));
    // An AppAdmin sees them all.
    let admin_seen = app
        .admin(Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(admin_seen, all);
    // A user with none: an empty array.
    let none = author
        .req(
            &app,
            Method::GET,
            &format!("/api/v1/app/user/{}/latest-artifacts", reader.id),
        )
        .ok()
        .await;
    assert_eq!(none, json!([]));

    for query in ["limit=0", "limit=101", "limit=-1", "limit=ten"] {
        let body = author
            .req(&app, Method::GET, &format!("{path}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], "limit", "{query}: {body}");
    }
    for bad in ["user_0000000000000000", "nope"] {
        author
            .req(
                &app,
                Method::GET,
                &format!("/api/v1/app/user/{bad}/latest-artifacts"),
            )
            .problem(404, "user_not_found")
            .await;
    }
    app.anon(Method::GET, &path)
        .problem(401, "unauthorized")
        .await;
}
