//! Every write of an App user emits exactly one event in its transaction; a failed or
//! idempotent write emits none.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{all_events, types};

/// Sends a request as the admin and returns (status, body, x-request-id).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, String) {
    let mut req = app.admin(method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let reply = req.reply().await;
    let request_id = reply.header("x-request-id").unwrap().to_owned();
    (reply.status, reply.json(), request_id)
}

#[tokio::test]
async fn each_user_write_is_one_event_with_its_actor_request_and_resource() {
    let app = TestApp::spawn().await;
    // The bootstrap's own user and token, added outside any request: by the system.
    let before = all_events(&app, "").await;
    assert_eq!(
        types(&json!({"data": before})),
        ["token.created", "user.created"]
    );
    assert_eq!(before[0]["actor"], json!({"type": "system", "id": null}));
    assert!(before[0]["request_id"].is_null());

    let body = json!({"role": "AppMember", "user_info": {"email": "sam@acme.test", "name": "Sam"}});
    let (status, user, created_in) =
        send(&app, Method::POST, "/api/v1/app/user", Some(body.clone())).await;
    assert_eq!(status, 201, "{user}");
    let id = user["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/app/user/{id}");
    // A duplicate is a 409 and leaves no event.
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&body)
        .problem(409, "email_taken")
        .await;
    let (_, renamed, _) = send(&app, Method::PUT, &path, Some(json!({"name": "Sam Stone"}))).await;
    let (_, promoted, _) = send(&app, Method::PUT, &path, Some(json!({"role": "AppAdmin"}))).await;
    let (status, _, _) = send(&app, Method::POST, &format!("{path}/deactivate"), None).await;
    assert_eq!(status, 200);
    // Deactivating again changes nothing: no event.
    let (status, _, _) = send(&app, Method::POST, &format!("{path}/deactivate"), None).await;
    assert_eq!(status, 200);
    let (status, _, _) = send(&app, Method::POST, &format!("{path}/activate"), None).await;
    assert_eq!(status, 200);
    // A demotion of the last admin is a 409 and leaves no event either.
    let admin_path = format!("/api/v1/app/user/{}", app.admin.user_id);
    let (_, _, _) = send(&app, Method::PUT, &path, Some(json!({"role": "AppMember"}))).await;
    app.admin(Method::PUT, &admin_path)
        .json(&json!({"role": "AppMember"}))
        .problem(409, "last_admin")
        .await;

    let events = all_events(&app, &format!("target_id={id}")).await;
    assert_eq!(
        types(&json!({"data": events})),
        [
            "user.role_changed",
            "user.activated",
            "user.deactivated",
            "user.role_changed",
            "user.updated",
            "user.created"
        ]
    );
    let created = &events[5];
    assert_eq!(created["data"], user, "the resource as the API returned it");
    assert_eq!(created["request_id"], created_in.as_str());
    assert_eq!(
        created["actor"],
        json!({"type": "user", "id": app.admin.user_id})
    );
    assert_eq!(created["target"], json!({"type": "user", "id": id}));
    assert_eq!(created["org_id"], app.admin.org_id.as_str());
    assert_eq!(events[4]["data"], renamed);
    assert_eq!(events[3]["data"], promoted);
    assert_eq!(events[2]["data"]["state"], "Inactive");
    assert_eq!(events[1]["data"]["state"], "Active");
    for event in &events {
        let id = event["id"].as_str().unwrap();
        assert!(roster_core::id::is_well_formed("evt", id), "{id}");
        let at = event["occurred_at"].as_str().unwrap();
        assert!(
            at.len() == 24 && at.ends_with('Z'),
            "milliseconds and Z: {at}"
        );
    }
    // Nothing else happened in the org (but the bootstrap's token).
    assert_eq!(all_events(&app, "").await.len(), 8);
}

#[tokio::test]
async fn gathered_creates_each_carry_their_own_request() {
    let app = TestApp::spawn_with(|c| c.db_writers = 1).await;
    let sends = (0..12).map(|i| {
        let req = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&json!({"role": "AppMember", "user_info": {"email": format!("u{i}@acme.test"), "name": "U"}}));
        async move {
            let reply = req.status(201).await;
            let request_id = reply.header("x-request-id").unwrap().to_owned();
            let user = reply.json();
            (user["id"].as_str().unwrap().to_owned(), request_id)
        }
    });
    let created = futures_util::future::join_all(sends).await;
    let events = all_events(&app, "type=user.created").await;
    assert_eq!(events.len(), 13);
    for (user_id, request_id) in created {
        let event = events
            .iter()
            .find(|e| e["target"]["id"] == user_id.as_str())
            .unwrap();
        assert_eq!(event["request_id"], request_id.as_str(), "{event}");
        assert_eq!(event["actor"]["id"], app.admin.user_id.as_str());
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_an_event() {
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    let mut conn = app.pool.get().await.unwrap();
    let err = diesel::sql_query("UPDATE events SET type = 'user.deleted'")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("events are never changed"),
        "{err}"
    );
    let events = all_events(&app, "").await;
    assert_eq!(
        types(&json!({"data": events})),
        ["token.created", "user.created"]
    );
}
