//! SCIM tokens: AppAdmin only, shown once, stored hashed, bound to one org, revoked at
//! once; they work only on /scim/v2, and nothing else works there.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::Scim;

#[tokio::test]
async fn a_scim_token_is_shown_once_listed_without_secret_and_stored_hashed() {
    let app = TestApp::spawn().await;
    let reply = app
        .admin(Method::POST, "/api/v1/app/scim-tokens")
        .json(&json!({"name": "Okta"}))
        .status(201)
        .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let created = reply.json();
    let token = created["token"].as_str().unwrap();
    assert!(token.starts_with("rscim_"), "{created}");
    assert!(created["id"].as_str().unwrap().starts_with("scimtok_"));
    assert_eq!(created["name"], "Okta");
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let list = app.admin(Method::GET, "/api/v1/app/scim-tokens").ok().await;
    assert_eq!(list["total_count"], 1, "{list}");
    assert_eq!(list["data"][0]["id"], created["id"]);
    assert!(!list.to_string().contains("rscim_"), "{list}");

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        dump: String,
    }
    let mut conn = app.pool.get().await.unwrap();
    let row: Row = diesel::sql_query("SELECT string_agg(t::text, ' ') AS dump FROM scim_tokens t")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(
        !row.dump.contains(token) && !row.dump.contains("rscim_"),
        "{}",
        row.dump
    );
}

#[tokio::test]
async fn scim_tokens_are_for_app_admins_and_validated() {
    let app = TestApp::spawn().await;
    let (_, member) = app.user_with_token("m@acme.test", "AppMember").await;
    app.as_user(&member, "acme", Method::POST, "/api/v1/app/scim-tokens")
        .json(&json!({"name": "x"}))
        .problem(403, "admin_required")
        .await;
    app.as_user(&member, "acme", Method::GET, "/api/v1/app/scim-tokens")
        .problem(403, "admin_required")
        .await;
    for bad in [json!({"name": ""}), json!({"name": "x".repeat(101)})] {
        app.admin(Method::POST, "/api/v1/app/scim-tokens")
            .json(&bad)
            .problem(400, "validation_failed")
            .await;
    }
    app.admin(Method::POST, "/api/v1/app/scim-tokens")
        .json(&json!({"name": 5}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::POST, "/api/v1/app/scim-tokens")
        .header("content-type", "application/json")
        .body("{\"name\":")
        .problem(400, "invalid_json")
        .await;
    app.admin(
        Method::DELETE,
        "/api/v1/app/scim-tokens/scimtok_0000000000000000",
    )
    .problem(404, "scim_token_not_found")
    .await;
    app.admin(Method::DELETE, "/api/v1/app/scim-tokens/nope")
        .problem(404, "scim_token_not_found")
        .await;
}

#[tokio::test]
async fn a_revoked_token_gets_401_at_once_and_another_orgs_token_cannot_be_revoked() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    scim.req(&app, Method::GET, "/Users").ok().await;
    let list = app.admin(Method::GET, "/api/v1/app/scim-tokens").ok().await;
    let id = list["data"][0]["id"].as_str().unwrap().to_owned();

    let other = app.bootstrap("globex", "admin@globex.test").await;
    app.as_user(
        &other.token,
        "globex",
        Method::DELETE,
        &format!("/api/v1/app/scim-tokens/{id}"),
    )
    .problem(404, "scim_token_not_found")
    .await;
    scim.req(&app, Method::GET, "/Users").ok().await;

    app.admin(Method::DELETE, &format!("/api/v1/app/scim-tokens/{id}"))
        .no_content()
        .await;
    let reply = scim.req(&app, Method::GET, "/Users").reply().await;
    reply.scim_error(401, None);
    assert!(reply.header("www-authenticate").is_some());
}

#[tokio::test]
async fn only_scim_tokens_work_on_scim_and_nowhere_else() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    // An App token, with or without x-org, is refused on /scim/v2.
    app.admin(Method::GET, "/scim/v2/Users")
        .scim_error(401, None)
        .await;
    app.anon(Method::GET, "/scim/v2/Users")
        .bearer_auth(&app.admin.token)
        .scim_error(401, None)
        .await;
    app.anon(Method::GET, "/scim/v2/Users")
        .scim_error(401, None)
        .await;
    app.anon(Method::GET, "/scim/v2/Users")
        .bearer_auth("rscim_not-a-token")
        .scim_error(401, None)
        .await;
    // The SCIM token is refused by the App API.
    app.as_user(&scim.token, "acme", Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
    app.as_user(&scim.token, "acme", Method::GET, "/api/v1/app/user")
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn creating_and_revoking_a_scim_token_are_audited_without_its_secret() {
    let app = TestApp::spawn().await;
    let created = app
        .admin(Method::POST, "/api/v1/app/scim-tokens")
        .json(&json!({"name": "Okta"}))
        .created()
        .await;
    let id = created["id"].as_str().unwrap();
    app.admin(Method::DELETE, &format!("/api/v1/app/scim-tokens/{id}"))
        .no_content()
        .await;
    // A refused revoke writes nothing.
    app.admin(Method::DELETE, &format!("/api/v1/app/scim-tokens/{id}"))
        .problem(404, "scim_token_not_found")
        .await;
    let events = crate::events::all_events(&app, "type=scim_token.*").await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["scim_token.revoked", "scim_token.created"]);
    let target = json!({"type": "scim_token", "id": id});
    for event in &events {
        assert_eq!(event["target"], target, "{event}");
        assert_eq!(event["actor"]["id"], app.admin.user_id.as_str(), "{event}");
    }
    assert_eq!(
        events[1]["data"],
        json!({"id": id, "name": "Okta", "created_at": created["created_at"]})
    );
    assert_eq!(events[0]["data"], json!({"id": id}));
    let secret = created["token"].as_str().unwrap();
    let dumped = serde_json::to_string(&events).unwrap();
    assert!(
        !dumped.contains(secret) && !dumped.contains("rscim_"),
        "{dumped}"
    );
}

/// A token cached by a replica (10 minutes here) is refused there within moments of its
/// revocation through another: the trigger on `scim_tokens` announces it. The control
/// shows the replica does serve tokens from its cache.
#[tokio::test]
async fn a_token_revoked_through_one_replica_is_refused_by_another_at_once() {
    let a = TestApp::spawn_with(|c| c.auth_cache_seconds = 600).await;
    let b = a.replica();
    let mint = || async {
        let created = a
            .admin(Method::POST, "/api/v1/app/scim-tokens")
            .json(&json!({"name": "Okta"}))
            .created()
            .await;
        let id = created["id"].as_str().unwrap().to_owned();
        (created["token"].as_str().unwrap().to_owned(), id)
    };
    let users_on = |base: &str, token: &str| {
        a.client
            .get(format!("{base}/scim/v2/Users?count=1"))
            .bearer_auth(token)
    };
    let (kept, _) = mint().await;
    for base in [&a.base, &b.base, &b.base] {
        users_on(base, &kept).status(200).await;
    }
    a.sql("ALTER TABLE scim_tokens DISABLE TRIGGER scim_tokens_notify_delete")
        .await;
    a.sql("DELETE FROM scim_tokens").await;
    users_on(&b.base, &kept).status(200).await;
    a.sql("ALTER TABLE scim_tokens ENABLE TRIGGER scim_tokens_notify_delete")
        .await;

    let (token, id) = mint().await;
    for base in [&a.base, &b.base, &b.base] {
        users_on(base, &token).status(200).await;
    }
    a.admin(Method::DELETE, &format!("/api/v1/app/scim-tokens/{id}"))
        .no_content()
        .await;
    users_on(&a.base, &token).status(401).await;
    let started = std::time::Instant::now();
    while users_on(&b.base, &token).reply().await.status != 401 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "B still accepts the revoked token"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The org's notice dropped the token deleted unannounced too.
    users_on(&b.base, &kept).status(401).await;
}
