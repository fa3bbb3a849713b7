//! App users: `POST /api/v1/app/user`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{new_user, user_page};

#[tokio::test]
async fn create_user_answers_201_with_location_and_the_seed_shape() {
    let app = TestApp::spawn().await;
    let (location, user) = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&new_user("sasha@auroralabs.com", "AppMember"))
        .created_at()
        .await;
    let id = user["id"].as_str().unwrap();
    assert!(id.starts_with("user_") && id.len() == 21, "{id}");
    assert!(user["account_id"].as_str().unwrap().starts_with("acct_"));
    assert_eq!(location, format!("/api/v1/app/user/{id}"));
    assert_eq!(user["org_id"], app.admin.org_id.as_str());
    assert_eq!(
        (
            user["name"].as_str(),
            user["given_name"].as_str(),
            user["family_name"].as_str()
        ),
        (Some("Sasha Patel"), Some("Sasha"), Some("Patel"))
    );
    assert_eq!(user["roles"], json!(["AppMember"]));
    assert_eq!(user["state"], "Active");
    assert_eq!(app.admin(Method::GET, &location).ok().await, user);
}

#[tokio::test]
async fn only_app_admins_create_users() {
    let app = TestApp::spawn().await;
    let (_, token) = app.user_with_token("member@acme.test", "AppMember").await;
    app.as_user(&token, "acme", Method::POST, "/api/v1/app/user")
        .json(&new_user("x@acme.test", "AppMember"))
        .problem(403, "admin_required")
        .await;
}

#[tokio::test]
async fn duplicate_email_is_409_case_insensitively() {
    let app = TestApp::spawn().await;
    app.create_user("sasha@auroralabs.com", "AppMember").await;
    let body = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&new_user("Sasha@AuroraLabs.com", "AppAdmin"))
        .problem(409, "email_taken")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_info.email");
    // The same email in another org is fine.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    app.as_user(&other.token, "globex", Method::POST, "/api/v1/app/user")
        .json(&new_user("sasha@auroralabs.com", "AppMember"))
        .status(201)
        .await;
}

#[tokio::test]
async fn create_with_account_id_links_that_account_once() {
    let app = TestApp::spawn().await;
    let signed_up = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse", "name": "Lee"}))
        .ok()
        .await;
    let account_id = signed_up["user"]["id"].as_str().unwrap();
    let body = json!({"account_id": account_id, "role": "AppMember", "user_info": {"email": "lee@example.com", "name": "Lee"}});
    let user = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&body)
        .created()
        .await;
    assert_eq!(user["account_id"], account_id);
    let again = json!({"account_id": account_id, "role": "AppMember", "user_info": {"email": "lee2@example.com", "name": "Lee"}});
    let body = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&again)
        .problem(409, "account_already_member")
        .await;
    assert_eq!(body["errors"][0]["field"], "account_id");
}

#[tokio::test]
async fn unknown_or_malformed_account_id_is_404() {
    let app = TestApp::spawn().await;
    for account_id in [
        "acct_0123456789abcdef",
        "acct_nope",
        "user_0123456789abcdef",
    ] {
        let body = json!({"account_id": account_id, "role": "AppMember", "user_info": {"email": "a@b.co", "name": "A"}});
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .problem(404, "account_not_found")
            .await;
    }
}

#[tokio::test]
async fn create_rejects_bad_input_with_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"role": "Owner", "user_info": {"email": "a@b.co", "name": "A"}}),
            "role",
        ),
        (
            json!({"role": 5, "user_info": {"email": "a@b.co", "name": "A"}}),
            "role",
        ),
        (
            json!({"role": "AppMember", "user_info": {"email": "not-an-email", "name": "A"}}),
            "user_info.email",
        ),
        (
            json!({"role": "AppMember", "user_info": {"email": "a@b.co", "name": "  "}}),
            "user_info.name",
        ),
        (
            json!({"role": "AppMember", "user_info": {"email": "a@b.co", "name": "x".repeat(201)}}),
            "user_info.name",
        ),
        (
            json!({"role": "AppMember", "user_info": {"email": "a@b.co"}}),
            "user_info",
        ),
        (json!({"role": "AppMember"}), "."),
        (
            json!({"role": "AppMember", "user_info": {"email": "a@b.co", "name": "A"}, "extra": 1}),
            ".",
        ),
        (
            json!({"role": "AppMember", "user_info": {"email": ["a@b.co"], "name": "A"}}),
            "user_info.email",
        ),
    ];
    for (body, field) in cases {
        let problem_body = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .status(400)
            .await
            .json();
        let detail = problem_body["detail"].as_str().unwrap();
        if field != "." {
            assert!(
                detail.contains(field),
                "{body}: detail {detail:?} should name {field}"
            );
        }
        if field == "role" {
            assert!(
                detail.contains("AppAdmin") && detail.contains("AppMember"),
                "allowed roles listed: {detail}"
            );
        }
    }
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("{\"role\": ")
        .problem(400, "invalid_json")
        .await;
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("")
        .problem(400, "invalid_json")
        .await;
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("[]")
        .problem(400, "validation_failed")
        .await;
    let body = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"user_info": {"email": "a@b.co", "name": "A"}}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_email_make_exactly_one_user() {
    let app = TestApp::spawn().await;
    let requests = (0..50).map(|i| {
        let body = json!({"role": "AppMember", "user_info": {"email": if i % 2 == 0 { "race@acme.test" } else { "RACE@acme.test" }, "name": format!("Racer {i}")}});
        app.admin(Method::POST, "/api/v1/app/user").json(&body).reply()
    });
    let results = futures_util::future::join_all(requests).await;
    let mut statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    let page = user_page(&app, "search=race%40").await;
    assert_eq!(page["total_count"], 1, "{page}");
}

/// Creates by email that wait for the writer's turn are added together, in one statement
/// (`roster_gateway::creates`); a batch with a duplicate adds its users one by one.
/// Concurrent creates in two orgs, with two emails asked twice in one org, one email
/// already a user there and one email asked in both orgs: each gets its own answer, the
/// users are as asked, and some were added together (they share a creation time, which a
/// batch gives all its users).
#[tokio::test]
async fn concurrent_creates_are_gathered_and_each_gets_its_own_answer() {
    let app = TestApp::spawn_with(|config| config.db_writers = 1).await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    app.create_user("taken@acme.test", "AppMember").await;
    let mut asks: Vec<(bool, String, u16)> = Vec::new();
    for i in 0..30 {
        asks.push((true, format!("gathered{i}@acme.test"), 201));
    }
    for i in 0..10 {
        asks.push((false, format!("globex{i}@globex.test"), 201));
    }
    // Asked twice in acme: one 201 and one 409, whichever comes first.
    for email in [
        "twice0@acme.test",
        "TWICE0@acme.test",
        "twice1@acme.test",
        "twice1@acme.test",
    ] {
        asks.push((true, email.to_owned(), 0));
    }
    asks.push((true, "taken@acme.test".into(), 409));
    // The same person joining both orgs: one account, two users.
    asks.push((true, "both@shared.test".into(), 201));
    asks.push((false, "both@shared.test".into(), 201));
    let requests = asks.iter().enumerate().map(|(i, (in_acme, email, _))| {
        let body = json!({"role": "AppMember", "user_info": {"email": email, "name": format!("Gathered {i}")}});
        let req = if *in_acme {
            app.admin(Method::POST, "/api/v1/app/user")
        } else {
            app.as_user(&other.token, &other.org_slug, Method::POST, "/api/v1/app/user")
        };
        async move {
            let reply = req.json(&body).reply().await;
            (reply.status, reply.json())
        }
    });
    let answers = futures_util::future::join_all(requests).await;
    let mut twice = std::collections::HashMap::<String, Vec<u16>>::new();
    let mut shared_accounts = Vec::new();
    for (i, ((in_acme, email, expected), (status, body))) in asks.iter().zip(&answers).enumerate() {
        let status = *status;
        if *expected == 0 {
            twice.entry(email.to_lowercase()).or_default().push(status);
        } else {
            assert_eq!(status, *expected, "{email}: {body}");
        }
        if status != 201 {
            assert_eq!(body["status"], status, "{body}");
            continue;
        }
        assert_eq!(body["email"], email.as_str(), "{body}");
        assert_eq!(body["name"], format!("Gathered {i}"), "{body}");
        let org = if *in_acme {
            &app.admin.org_id
        } else {
            &other.org_id
        };
        assert_eq!(body["org_id"], org.as_str(), "{body}");
        if email == "both@shared.test" {
            shared_accounts.push(body["account_id"].clone());
        }
    }
    for (email, mut statuses) in twice {
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{email}");
    }
    assert_eq!(shared_accounts.len(), 2);
    assert_eq!(shared_accounts[0], shared_accounts[1]);
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        users: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        counted: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        largest_batch: i64,
    }
    let mut conn = app.pool.get().await.unwrap();
    let row: Row = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query(format!(
            "SELECT (SELECT count(*) FROM users WHERE org_id = '{acme}' AND name LIKE 'Gathered %') AS users,
                    (SELECT coalesce(sum(n), 0)::bigint FROM user_counts WHERE org_id = '{acme}') AS counted,
                    (SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM users
                      WHERE name LIKE 'Gathered %' GROUP BY created_at) b) AS largest_batch",
            acme = app.admin.org_id
        )),
        &mut conn,
    )
    .await
    .unwrap();
    // 30 + one of each pair + the shared one in acme; plus the admin and `taken`.
    assert_eq!(row.users, 33);
    assert_eq!(row.counted, 35);
    assert!(row.largest_batch > 1, "no two users were added together");
}
