//! Replicas: two gateways on one database, as behind a load balancer. Uniqueness is
//! decided by the database, not by either process; a token revoked, a session ended or a
//! user deactivated through one replica stops working on the other as soon as the
//! change's notification arrives, and at the latest within the credential cache lifetime
//! (`CREDENTIAL_CACHE_TTL`): every revocation path is in `security::credential_caches`.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use roster_e2e::{report, Expect, Replica, TestApp};
use roster_gateway::auth::CREDENTIAL_CACHE_TTL;
use serde_json::json;

/// What a request may take on top of the cache lifetime, on a busy 2-core machine.
const MARGIN: Duration = Duration::from_secs(2);

/// A request to `base` (either replica) as `token` in the org `acme`.
fn on(app: &TestApp, base: &str, token: &str, method: Method, path: &str) -> RequestBuilder {
    app.client
        .request(method, format!("{base}{path}"))
        .bearer_auth(token)
        .header("x-org", "acme")
}

/// Sends `request()` every 50 ms until it answers `status`, for at most the credential
/// cache lifetime plus a margin. Returns how long it took, or panics with the last status.
async fn answers_within(status: u16, request: impl Fn() -> RequestBuilder) -> Duration {
    let started = Instant::now();
    let deadline = started + CREDENTIAL_CACHE_TTL + MARGIN;
    loop {
        let got = request().reply().await.status;
        if got == status {
            return started.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "still {got} (not {status}) after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_email_across_two_replicas_make_one_user() {
    let app = TestApp::spawn().await;
    let b = app.replica();
    let bases = [app.base.clone(), b.base.clone()];
    let requests = (0..50).map(|i| {
        let email = if i % 2 == 0 {
            "twin@acme.test"
        } else {
            "TWIN@acme.test"
        };
        let body = json!({"role": "AppMember", "user_info": {"email": email, "name": format!("Twin {i}")}});
        on(
            &app,
            &bases[i % 2],
            &app.admin.token,
            Method::POST,
            "/api/v1/app/user",
        )
        .json(&body)
        .reply()
    });
    let mut created = Vec::new();
    let mut conflicts = [0usize; 2];
    for (i, reply) in futures_util::future::join_all(requests)
        .await
        .into_iter()
        .enumerate()
    {
        if reply.status == 201 {
            created.push(reply.json()["id"].as_str().unwrap().to_owned());
        } else {
            reply.problem(409, "email_taken");
            conflicts[i % 2] += 1;
        }
    }
    assert_eq!(created.len(), 1, "exactly one create succeeds: {created:?}");
    assert_eq!(conflicts[0] + conflicts[1], 49);
    assert!(
        conflicts[0] >= 24 && conflicts[1] >= 24,
        "both replicas answered conflicts: {conflicts:?}"
    );
    let rows = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM users WHERE org_id = '{}' AND lower(email) = 'twin@acme.test'",
            app.admin.org_id
        ))
        .await;
    assert_eq!(rows, 1, "one row in the database");
    report(&format!(
        "replicas: 50 concurrent creates of one email over 2 replicas: 201 x{}, 409 x{} \
         (replica A {}, replica B {}); {} row",
        created.len(),
        conflicts[0] + conflicts[1],
        conflicts[0],
        conflicts[1],
        rows
    ));
    // Both replicas see that one user.
    for base in &bases {
        let path = format!("/api/v1/app/user/{}", created[0]);
        on(&app, base, &app.admin.token, Method::GET, &path)
            .status(200)
            .await;
    }
}

#[tokio::test]
async fn a_token_revoked_through_one_replica_stops_working_on_the_other() {
    let app = TestApp::spawn().await;
    let b: Replica = app.replica();
    let (_, token) = app.user_with_token("rev@acme.test", "AppMember").await;
    // A second token, created through replica A, works on replica B.
    let created = on(&app, &app.base, &token, Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "laptop"}))
        .created()
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let me_on_b = || on(&app, &b.base, &secret, Method::GET, "/api/v1/app/me");
    me_on_b().status(200).await;
    // Revoked through A: B refuses it within the cache lifetime, A at once.
    on(
        &app,
        &app.base,
        &token,
        Method::DELETE,
        &format!("/api/v1/app/tokens/{id}"),
    )
    .no_content()
    .await;
    let took = answers_within(401, me_on_b).await;
    report(&format!(
        "replicas: a token revoked through A was refused by B after {} ms (cache lifetime {} ms)",
        took.as_millis(),
        CREDENTIAL_CACHE_TTL.as_millis()
    ));
    on(&app, &app.base, &secret, Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
    // The token that revoked it still works on both.
    for base in [&app.base, &b.base] {
        on(&app, base, &token, Method::GET, "/api/v1/app/me")
            .status(200)
            .await;
    }
}

#[tokio::test]
async fn a_session_ended_through_one_replica_stops_working_on_the_other() {
    let app = TestApp::spawn().await;
    let b = app.replica();
    let body = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse", "name": "Lee"}))
        .ok()
        .await;
    let session = body["token"].as_str().unwrap().to_owned();
    let session_on_b = || {
        app.client
            .get(b.url("/api/auth/get-session"))
            .bearer_auth(&session)
            .ok()
    };
    let current = session_on_b().await;
    assert_eq!(current["user"]["email"], "lee@example.com", "{current}");
    app.client
        .post(app.url("/api/auth/sign-out"))
        .bearer_auth(&session)
        .status(200)
        .await;
    // get-session answers `null` once the session is gone.
    let started = Instant::now();
    let deadline = started + CREDENTIAL_CACHE_TTL + MARGIN;
    loop {
        if session_on_b().await.is_null() {
            break;
        }
        assert!(Instant::now() < deadline, "B still knows the session");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    report(&format!(
        "replicas: a session ended through A was unknown to B after {} ms",
        started.elapsed().as_millis()
    ));
}

#[tokio::test]
async fn a_user_deactivated_through_one_replica_is_refused_by_the_other() {
    let app = TestApp::spawn().await;
    let b = app.replica();
    let (user, token) = app.user_with_token("gone@acme.test", "AppMember").await;
    let id = user["id"].as_str().unwrap();
    let me_on_b = || on(&app, &b.base, &token, Method::GET, "/api/v1/app/me");
    me_on_b().status(200).await;
    app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
        .status(200)
        .await;
    let took = answers_within(403, me_on_b).await;
    report(&format!(
        "replicas: a user deactivated through A was refused by B after {} ms",
        took.as_millis()
    ));
    me_on_b().problem(403, "user_inactive").await;
    // Activated again through B: A lets the user in again.
    on(
        &app,
        &b.base,
        &app.admin.token,
        Method::POST,
        &format!("/api/v1/app/user/{id}/activate"),
    )
    .status(200)
    .await;
    answers_within(200, || {
        on(&app, &app.base, &token, Method::GET, "/api/v1/app/me")
    })
    .await;
}
