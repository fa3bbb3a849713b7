//! `Idempotency-Key` on creates: a replay gives the first answer and creates nothing, a
//! reused key with another request is a 422, a key in flight a 409, keys belong to a
//! credential in a tenant, the stored answers are sealed, and old keys expire.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Reply, TestApp};
use serde_json::{json, Value};

const KEY: &str = "8e03978e-40d5-43e8-bc93-6894a57f9324";

fn user_body(email: &str) -> Value {
    json!({"role": "AppMember", "user_info": {"email": email, "name": "Idem User"}})
}

fn keyed(request: RequestBuilder, key: &str) -> RequestBuilder {
    request.header("Idempotency-Key", key)
}

async fn events(app: &TestApp) -> i64 {
    app.sql_count("SELECT count(*) AS n FROM events").await
}

async fn users_with(app: &TestApp, email: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT count(*) AS n FROM users WHERE email = '{email}'"
    ))
    .await
}

async fn create_user(app: &TestApp, key: &str, body: &Value) -> Reply {
    keyed(app.admin(Method::POST, "/api/v1/app/user"), key)
        .json(body)
        .reply()
        .await
}

#[tokio::test]
async fn a_create_sent_again_with_its_key_replays_the_first_answer_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let body = user_body("once@acme.test");
    let before = events(&app).await;
    let first = create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(first.header("idempotent-replayed"), None, "{first}");
    let again = create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "{again}");
    assert_eq!(again.text, first.text, "the body, byte for byte");
    for header in ["location", "content-type"] {
        assert!(first.header(header).is_some(), "{header}: {first}");
        assert_eq!(again.header(header), first.header(header), "{header}");
    }
    assert_eq!(users_with(&app, "once@acme.test").await, 1);
    assert_eq!(
        events(&app).await,
        before + 1,
        "one user.created, none for the replay"
    );
    // Without a key the same body is a create like any other (here a duplicate email).
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&body)
        .problem(409, "email_taken")
        .await;
}

/// A keyed create of a person another org has already: the account is found by email, so
/// the answer the create's statement was given (made for a new account) is not kept, and
/// the key gets the real one after. The replay, the user and its one event all name the
/// account that existed.
#[tokio::test]
async fn a_keyed_create_of_an_existing_account_keeps_the_answer_with_that_account() {
    let app = TestApp::spawn().await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let body = user_body("both@shared.test");
    let existing = app
        .as_user(
            &other.token,
            &other.org_slug,
            Method::POST,
            "/api/v1/app/user",
        )
        .json(&body)
        .created()
        .await;
    let account = existing["account_id"].as_str().unwrap();
    let before = events(&app).await;
    let first = create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(first.json()["account_id"], account, "{first}");
    let again = create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "{again}");
    assert_eq!(again.text, first.text, "the body, byte for byte");
    assert_eq!(users_with(&app, "both@shared.test").await, 2);
    assert_eq!(events(&app).await, before + 1, "{again}");
    let named = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE type = 'user.created' \
             AND org_id = '{}' AND data->>'account_id' = '{account}'",
            app.admin.org_id
        ))
        .await;
    assert_eq!(named, 1, "the event names the account that existed");
}

#[tokio::test]
async fn a_key_sent_with_another_request_is_422_and_changes_nothing() {
    let app = TestApp::spawn().await;
    create_user(&app, KEY, &user_body("first@acme.test"))
        .await
        .expect(201);
    let before = events(&app).await;
    create_user(&app, KEY, &user_body("second@acme.test"))
        .await
        .problem(422, "idempotency_key_reused");
    // Another path with the same key is another request too.
    keyed(app.admin(Method::POST, "/api/v1/app/project"), KEY)
        .json(&json!({"name": "Apollo"}))
        .problem(422, "idempotency_key_reused")
        .await;
    assert_eq!(users_with(&app, "second@acme.test").await, 0);
    assert_eq!(app.sql_count("SELECT count(*) AS n FROM projects").await, 0);
    assert_eq!(events(&app).await, before);
}

#[tokio::test]
async fn a_failed_first_request_releases_its_key() {
    let app = TestApp::spawn().await;
    let before = events(&app).await;
    create_user(
        &app,
        KEY,
        &json!({"role": "AppMember", "user_info": {"name": "No email"}}),
    )
    .await
    .expect(400);
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM idempotency_keys")
            .await,
        0,
        "an error is not kept"
    );
    // The retry, mended, runs.
    create_user(&app, KEY, &user_body("mended@acme.test"))
        .await
        .expect(201);
    assert_eq!(events(&app).await, before + 1);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_create_once() {
    let app = TestApp::spawn().await;
    let body = user_body("race@acme.test");
    let replies =
        futures_util::future::join_all((0..4).map(|_| create_user(&app, KEY, &body))).await;
    let mut created = 0;
    for reply in &replies {
        match (reply.status, reply.header("idempotent-replayed")) {
            (201, None) => created += 1,
            (201, Some("true")) => {}
            (409, _) => {
                reply.problem(409, "idempotency_key_in_flight");
            }
            _ => panic!("unexpected: {reply}"),
        }
    }
    assert_eq!(created, 1, "{replies:?}");
    assert_eq!(users_with(&app, "race@acme.test").await, 1);
}

/// Puts a key of the admin's token in flight for `body`, as a request still running does.
async fn in_flight(app: &TestApp, path: &str, body: &Value, age_seconds: i64) {
    let target = serde_json::to_vec(body).unwrap();
    let fingerprint = roster_core::idempotency::fingerprint("POST", path, &target);
    let credential = roster_core::secret::hash(&app.admin.token);
    app.sql(&format!(
        "INSERT INTO idempotency_keys (tenant, credential, key, fingerprint, created_at) \
         VALUES ('{}', '\\x{}', '{KEY}', '\\x{}', now() - interval '{age_seconds} seconds')",
        app.admin.org_id,
        hex::encode(credential),
        hex::encode(fingerprint)
    ))
    .await;
}

#[tokio::test]
async fn a_key_in_flight_is_409_until_its_lease_ends() {
    let app = TestApp::spawn().await;
    let body = user_body("slow@acme.test");
    in_flight(&app, "/api/v1/app/user", &body, 1).await;
    create_user(&app, KEY, &body)
        .await
        .problem(409, "idempotency_key_in_flight");
    assert_eq!(users_with(&app, "slow@acme.test").await, 0);
    // A request unanswered past the lease is taken for lost: the key runs again.
    app.sql("DELETE FROM idempotency_keys").await;
    in_flight(&app, "/api/v1/app/user", &body, 120).await;
    create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(users_with(&app, "slow@acme.test").await, 1);
}

#[tokio::test]
async fn keys_belong_to_one_credential() {
    let app = TestApp::spawn().await;
    let project = json!({"name": "Apollo"});
    let first = keyed(app.admin(Method::POST, "/api/v1/app/project"), KEY)
        .json(&project)
        .created()
        .await;
    // Another token of the same admin, with the same key and body: a create of its own.
    let other = {
        let mut conn = app.pool.get().await.unwrap();
        let org = roster_identity::OrgId::parse(&app.admin.org_id).unwrap();
        let account = roster_identity::AccountId::parse(&app.admin.account_id).unwrap();
        roster_identity::tokens::create(&mut conn, &org, &account, "second", None)
            .await
            .unwrap()
            .secret
    };
    let second = keyed(
        app.as_user(&other, "acme", Method::POST, "/api/v1/app/project"),
        KEY,
    )
    .json(&project)
    .reply()
    .await
    .expect(201);
    assert_eq!(second.header("idempotent-replayed"), None);
    assert_ne!(second.json()["id"], first["id"]);
    assert_eq!(app.sql_count("SELECT count(*) AS n FROM projects").await, 2);
}

#[tokio::test]
async fn keys_belong_to_one_tenant() {
    let app = TestApp::spawn().await;
    let password = "correct horse battery";
    app.person("pat@acme.test", password, "AppMember").await;
    let beta = app.bootstrap("beta", "boss@beta.test").await;
    app.as_user(&beta.token, "beta", Method::POST, "/api/v1/app/user")
        .json(&user_body("pat@acme.test"))
        .created()
        .await;
    let session = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "pat@acme.test", "password": password}))
        .ok()
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // One session, one key, one body, in two orgs: two projects.
    let create = |org: &'static str| {
        keyed(
            app.as_user(&session, org, Method::POST, "/api/v1/app/project"),
            KEY,
        )
        .json(&json!({"name": "Shared name"}))
        .reply()
    };
    let in_acme = create("acme").await.expect(201);
    let in_beta = create("beta").await.expect(201);
    assert_eq!(in_beta.header("idempotent-replayed"), None, "{in_beta}");
    assert_ne!(in_beta.json()["id"], in_acme.json()["id"]);
    let again = create("acme").await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, in_acme.text);
    assert_eq!(app.sql_count("SELECT count(*) AS n FROM projects").await, 2);
}

#[tokio::test]
async fn a_token_create_replays_its_token_which_is_stored_sealed() {
    let app = TestApp::spawn().await;
    let request =
        || keyed(app.admin(Method::POST, "/api/v1/app/tokens"), KEY).json(&json!({"name": "ci"}));
    let first = request().reply().await.expect(201);
    let secret = first.json()["secret"].as_str().unwrap().to_owned();
    let again = request().reply().await.expect(201);
    assert_eq!(again.json()["secret"], secret.as_str(), "the same token");
    assert_eq!(again.header("cache-control"), Some("no-store"));
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM api_tokens WHERE name = 'ci'")
            .await,
        1
    );
    let stored = "SELECT count(*) AS n FROM idempotency_keys WHERE answer IS NOT NULL";
    assert_eq!(app.sql_count(stored).await, 1);
    let in_clear = format!(
        "SELECT count(*) AS n FROM idempotency_keys k \
         WHERE position(convert_to('{secret}', 'UTF8') IN k.answer) > 0 \
            OR k::text LIKE '%{secret}%' OR encode(k.answer, 'escape') LIKE '%{secret}%'"
    );
    assert_eq!(app.sql_count(&in_clear).await, 0, "the token is sealed");
}

#[tokio::test]
async fn external_creates_take_keys_per_api_key() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let create = |api_key: &str| {
        keyed(app.external(api_key, Method::POST, "/api/v1/channels"), KEY)
            .json(&json!({"name": "Web"}))
            .reply()
    };
    let first = create(&ws.api_key).await.expect(200);
    let again = create(&ws.api_key).await.expect(200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text);
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM external_channels")
            .await,
        1
    );
    // A second key of the same workspace is another credential.
    let second_key = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{}/api-keys", ws.id),
        )
        .json(&json!({"name": "second"}))
        .created()
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = create(&second_key).await;
    assert_eq!(other.header("idempotent-replayed"), None, "{other}");
}

#[tokio::test]
async fn malformed_keys_are_400_and_create_nothing() {
    let app = TestApp::spawn().await;
    let before = events(&app).await;
    let body = user_body("bad@acme.test");
    let long = "k".repeat(256);
    for key in ["", long.as_str()] {
        create_user(&app, key, &body)
            .await
            .problem(400, "invalid_idempotency_key");
    }
    let raw = reqwest::header::HeaderValue::from_bytes(b"cl\xe9").unwrap();
    app.admin(Method::POST, "/api/v1/app/user")
        .header("Idempotency-Key", raw)
        .json(&body)
        .problem(400, "invalid_idempotency_key")
        .await;
    app.admin(Method::POST, "/api/v1/app/user")
        .header("Idempotency-Key", "a")
        .header("Idempotency-Key", "b")
        .json(&body)
        .problem(400, "invalid_idempotency_key")
        .await;
    // The draft's structured-field string is the key between its quotes.
    create_user(&app, &format!("\"{KEY}\""), &body)
        .await
        .expect(201);
    let again = create_user(&app, KEY, &body).await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(events(&app).await, before + 1);
}

#[tokio::test]
async fn expired_keys_are_not_replayed_and_are_deleted_in_batches() {
    use roster_core::idempotency;
    let app = TestApp::spawn().await;
    let body = user_body("old@acme.test");
    create_user(&app, KEY, &body).await.expect(201);
    for n in 0..4 {
        keyed(
            app.admin(Method::POST, "/api/v1/app/project"),
            &format!("p{n}"),
        )
        .json(&json!({"name": format!("P{n}")}))
        .created()
        .await;
    }
    app.sql(&format!(
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' \
         WHERE key IN ('{KEY}', 'p0', 'p1', 'p2')"
    ))
    .await;
    // Past the window the key is unused: the create runs again (the email is taken now).
    create_user(&app, KEY, &body)
        .await
        .problem(409, "email_taken");
    // Its failure released it.
    let keys = "SELECT count(*) AS n FROM idempotency_keys";
    assert_eq!(app.sql_count(keys).await, 4);
    let cutoff = roster_core::time::now() - time::Duration::hours(24);
    let mut conn = app.pool.get().await.unwrap();
    assert_eq!(
        idempotency::delete_batch(&mut conn, cutoff, 1)
            .await
            .unwrap(),
        1
    );
    drop(conn);
    assert_eq!(
        idempotency::delete_expired(&app.pool, cutoff, 1)
            .await
            .unwrap(),
        2
    );
    assert_eq!(app.sql_count(keys).await, 1, "the recent key stays");
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM idempotency_keys WHERE key = 'p3'")
            .await,
        1
    );
}
