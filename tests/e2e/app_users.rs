//! App users (`/api/v1/app`): me, list, create, get, update, activate and deactivate.

use reqwest::Method;
use roster_e2e::{json, problem, TestApp};
use serde_json::{json, Value};

fn new_user(email: &str, role: &str) -> Value {
    json!({"role": role, "user_info": {"email": email, "name": "Sasha Patel", "given_name": "Sasha", "family_name": "Patel"}})
}

#[tokio::test]
async fn me_returns_the_callers_user_in_the_seed_shape() {
    let app = TestApp::spawn().await;
    let (status, me) = json(
        app.admin(Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], app.admin.user_id.as_str());
    assert_eq!(me["org_id"], app.admin.org_id.as_str());
    assert_eq!(me["account_id"], app.admin.account_id.as_str());
    assert_eq!(me["email"], "admin@acme.test");
    assert_eq!(me["state"], "Active");
    assert_eq!(me["roles"], json!(["AppAdmin"]));
    assert!(
        me["job_position_name"].is_null() && me.get("job_position_description").is_some(),
        "{me}"
    );
    let created = me["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
}

#[tokio::test]
async fn x_org_takes_the_org_id_as_well_as_the_slug() {
    let app = TestApp::spawn().await;
    let res = app
        .as_user(
            &app.admin.token,
            &app.admin.org_id,
            Method::GET,
            "/api/v1/app/me",
        )
        .send()
        .await
        .unwrap();
    let (status, me) = json(res).await;
    assert_eq!(
        (status, me["id"].as_str()),
        (200, Some(app.admin.user_id.as_str()))
    );
}

#[tokio::test]
async fn missing_or_bad_credentials_are_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let res = app
        .anon(Method::GET, "/api/v1/app/me")
        .header("x-org", "acme")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("www-authenticate").unwrap(),
        "Bearer realm=\"roster\""
    );
    problem(res, 401, "unauthorized").await;
    for auth in [
        "Bearer rpat_nope",
        "Bearer nonsense",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer ",
    ] {
        let res = app
            .anon(Method::GET, "/api/v1/app/me")
            .header("authorization", auth)
            .header("x-org", "acme")
            .send()
            .await
            .unwrap();
        problem(res, 401, "unauthorized").await;
    }
}

#[tokio::test]
async fn org_header_is_required_and_must_be_an_org_the_caller_belongs_to() {
    let app = TestApp::spawn().await;
    let res = app
        .anon(Method::GET, "/api/v1/app/me")
        .bearer_auth(&app.admin.token)
        .send()
        .await
        .unwrap();
    problem(res, 400, "org_required").await;
    let res = app
        .as_user(
            &app.admin.token,
            "no-such-org",
            Method::GET,
            "/api/v1/app/me",
        )
        .send()
        .await
        .unwrap();
    problem(res, 403, "not_a_member").await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let res = app
        .as_user(
            &app.admin.token,
            &other.org_slug,
            Method::GET,
            "/api/v1/app/me",
        )
        .send()
        .await
        .unwrap();
    problem(res, 403, "not_a_member").await;
}

#[tokio::test]
async fn create_user_answers_201_with_location_and_the_seed_shape() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&new_user("sasha@auroralabs.com", "AppMember"))
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let (status, user) = json(res).await;
    assert_eq!(status, 201, "{user}");
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
    let (status, fetched) = json(app.admin(Method::GET, &location).send().await.unwrap()).await;
    assert_eq!((status, &fetched), (200, &user));
}

#[tokio::test]
async fn only_app_admins_create_users() {
    let app = TestApp::spawn().await;
    let (_, token) = app.user_with_token("member@acme.test", "AppMember").await;
    let res = app
        .as_user(&token, "acme", Method::POST, "/api/v1/app/user")
        .json(&new_user("x@acme.test", "AppMember"))
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
}

#[tokio::test]
async fn duplicate_email_is_409_case_insensitively() {
    let app = TestApp::spawn().await;
    app.create_user("sasha@auroralabs.com", "AppMember").await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&new_user("Sasha@AuroraLabs.com", "AppAdmin"))
        .send()
        .await
        .unwrap();
    let body = problem(res, 409, "email_taken").await;
    assert_eq!(body["errors"][0]["field"], "user_info.email");
    // The same email in another org is fine.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let res = app
        .as_user(&other.token, "globex", Method::POST, "/api/v1/app/user")
        .json(&new_user("sasha@auroralabs.com", "AppMember"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn create_with_account_id_links_that_account_once() {
    let app = TestApp::spawn().await;
    let (status, signed_up) = json(
        app.anon(Method::POST, "/api/auth/sign-up/email")
            .json(&json!({"email": "lee@example.com", "password": "correct horse", "name": "Lee"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{signed_up}");
    let account_id = signed_up["user"]["id"].as_str().unwrap();
    let body = json!({"account_id": account_id, "role": "AppMember", "user_info": {"email": "lee@example.com", "name": "Lee"}});
    let (status, user) = json(
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, user["account_id"].as_str()),
        (201, Some(account_id))
    );
    let again = json!({"account_id": account_id, "role": "AppMember", "user_info": {"email": "lee2@example.com", "name": "Lee"}});
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&again)
        .send()
        .await
        .unwrap();
    let body = problem(res, 409, "account_already_member").await;
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
        let res = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .send()
            .await
            .unwrap();
        problem(res, 404, "account_not_found").await;
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
        let res = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, problem_body) = json(res).await;
        assert_eq!(status, 400, "{body} -> {problem_body}");
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
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("{\"role\": ")
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_json").await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_json").await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    problem(res, 400, "validation_failed").await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"user_info": {"email": "a@b.co", "name": "A"}}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_email_make_exactly_one_user() {
    let app = TestApp::spawn().await;
    let requests = (0..50).map(|i| {
        let body = json!({"role": "AppMember", "user_info": {"email": if i % 2 == 0 { "race@acme.test" } else { "RACE@acme.test" }, "name": format!("Racer {i}")}});
        app.admin(Method::POST, "/api/v1/app/user").json(&body).send()
    });
    let results = futures_util::future::join_all(requests).await;
    let mut statuses: Vec<u16> = results
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
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
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=race%40")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["total_count"], 1, "{page}");
}

#[tokio::test]
async fn list_pages_with_the_seed_envelope() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let (status, first) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=1&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(first["total_count"], 6);
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        (
            first["has_next_page"].as_bool(),
            first["has_previous_page"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(
        first["data"][0]["id"],
        app.admin.user_id.as_str(),
        "oldest first"
    );
    let (_, last) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=3&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            last["has_next_page"].as_bool(),
            last["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(last["data"][1]["email"], "u4@acme.test");
    let (_, beyond) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=9&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["total_count"], 6);
    let (_, default) = json(
        app.admin(Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(default["data"].as_array().unwrap().len(), 6);
    // A member may read the directory too.
    let (_, token) = app.user_with_token("reader@acme.test", "AppMember").await;
    let (status, _) = json(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn list_rejects_out_of_range_paging() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page=abc", "page"),
        ("page_size=1.5", "page_size"),
        ("first=101", "first"),
        ("last=0", "last"),
        ("after=%%%", "after"),
        ("after=bm9wZQ", "after"),
        ("state=Sleeping", "state"),
        ("role=Owner", "role"),
        ("page=9223372036854775807&page_size=100", "page"),
    ] {
        let res = app
            .admin(Method::GET, &format!("/api/v1/app/user?{query}"))
            .send()
            .await
            .unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{query}: {body}"
        );
    }
    let res = app
        .admin(Method::GET, "/api/v1/app/user?page=2&first=3")
        .send()
        .await
        .unwrap();
    problem(res, 400, "mixed_paging").await;
    let res = app
        .admin(Method::GET, "/api/v1/app/user?first=2&last=3")
        .send()
        .await
        .unwrap();
    problem(res, 400, "mixed_paging").await;
}

#[tokio::test]
async fn list_filters_by_state_role_and_search() {
    let app = TestApp::spawn().await;
    let a = app.create_user("ana.lopez@acme.test", "AppMember").await;
    app.create_user("bo@acme.test", "AppAdmin").await;
    app.create_user("100%_real@acme.test", "AppMember").await;
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/deactivate", a["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    let emails = |page: &Value| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?state=Inactive")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?role=AppAdmin")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["admin@acme.test", "bo@acme.test"]);
    assert_eq!(page["total_count"], 2);
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=LOPEZ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    // Search covers names too (create_user names users "User <email>").
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=user%20bo")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["bo@acme.test"]);
    // LIKE wildcards are literal.
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=%25_")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    let (_, page) = json(
        app.admin(
            Method::GET,
            "/api/v1/app/user?state=Active&role=AppMember&search=real",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=nobody-matches")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            page["total_count"].as_i64(),
            page["data"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
}

#[tokio::test]
async fn cursor_paging_walks_forwards_and_backwards_in_the_offset_order() {
    let app = TestApp::spawn().await;
    for i in 0..6 {
        app.create_user(&format!("c{i}@acme.test"), "AppMember")
            .await;
    }
    let ids = |page: &Value| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (_, all) = json(
        app.admin(Method::GET, "/api/v1/app/user?page_size=100")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let expected = ids(&all);
    assert_eq!(expected.len(), 7);

    let mut walked = Vec::new();
    let mut query = "first=3".to_owned();
    loop {
        let (status, page) = json(
            app.admin(Method::GET, &format!("/api/v1/app/user?{query}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total_count"], 7);
        assert_eq!(
            page["has_previous_page"].as_bool(),
            Some(!walked.is_empty()),
            "{page}"
        );
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(page["has_next_page"], true);
                query = format!("first=3&after={cursor}");
            }
            None => {
                assert_eq!(page["has_next_page"], false);
                break;
            }
        }
    }
    assert_eq!(walked, expected);

    let (_, tail) = json(
        app.admin(Method::GET, "/api/v1/app/user?last=3")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&tail), expected[4..]);
    assert_eq!(
        (
            tail["has_next_page"].as_bool(),
            tail["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    let before = tail["previous_cursor"].as_str().unwrap();
    let (_, prev) = json(
        app.admin(
            Method::GET,
            &format!("/api/v1/app/user?last=3&before={before}"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(ids(&prev), expected[1..4]);
    assert_eq!(
        (
            prev["has_next_page"].as_bool(),
            prev["has_previous_page"].as_bool()
        ),
        (Some(true), Some(true))
    );
}

#[tokio::test]
async fn get_user_is_404_for_unknown_malformed_and_other_orgs_ids() {
    let app = TestApp::spawn().await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    for id in [
        "user_0123456789abcdef",
        "user_nope",
        "1",
        other.user_id.as_str(),
        "user_0123456789ABCDEF",
    ] {
        let res = app
            .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
            .send()
            .await
            .unwrap();
        problem(res, 404, "user_not_found").await;
    }
    // Nothing of the other org leaks through any route of this one.
    for path in ["deactivate", "activate"] {
        let res = app
            .admin(
                Method::POST,
                &format!("/api/v1/app/user/{}/{path}", other.user_id),
            )
            .send()
            .await
            .unwrap();
        problem(res, 404, "user_not_found").await;
    }
    let res = app
        .admin(Method::PUT, &format!("/api/v1/app/user/{}", other.user_id))
        .json(&json!({"name": "Hacked"}))
        .send()
        .await
        .unwrap();
    problem(res, 404, "user_not_found").await;
}

#[tokio::test]
async fn admins_update_users_and_null_clears_a_field() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", user["id"].as_str().unwrap());
    let body = json!({"name": "Sam Stone", "role": "AppAdmin", "given_name": "Sam", "job_position_name": "Ops", "job_position_description": "Runs things"});
    let (status, updated) = json(
        app.admin(Method::PUT, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["name"].as_str(), updated["roles"].clone()),
        (Some("Sam Stone"), json!(["AppAdmin"]))
    );
    assert_eq!(
        (
            updated["given_name"].as_str(),
            updated["job_position_name"].as_str()
        ),
        (Some("Sam"), Some("Ops"))
    );
    let (_, cleared) = json(
        app.admin(Method::PUT, &path)
            .json(&json!({"given_name": null}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(cleared["given_name"].is_null(), "{cleared}");
    assert_eq!(cleared["job_position_name"], "Ops", "untouched fields stay");
    let (_, fetched) = json(app.admin(Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(fetched, cleared);
}

#[tokio::test]
async fn update_rejects_bad_input_duplicates_and_unknown_users() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", user["id"].as_str().unwrap());
    problem(
        app.admin(Method::PUT, &path)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        400,
        "empty_update",
    )
    .await;
    problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"name": ""}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"role": "God"}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"email": "nope"}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"name": 7}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let body = problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"email": "ADMIN@acme.test"}))
            .send()
            .await
            .unwrap(),
        409,
        "email_taken",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "email");
    problem(
        app.admin(Method::PUT, "/api/v1/app/user/user_0123456789abcdef")
            .json(&json!({"name": "X"}))
            .send()
            .await
            .unwrap(),
        404,
        "user_not_found",
    )
    .await;
}

#[tokio::test]
async fn users_change_their_own_name_and_job_but_never_their_role() {
    let app = TestApp::spawn().await;
    let (me, token) = app.user_with_token("self@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", me["id"].as_str().unwrap());
    let res = app
        .as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"name": "New Me", "job_position_name": "Analyst"}))
        .send()
        .await
        .unwrap();
    let (status, updated) = json(res).await;
    assert_eq!(
        (
            status,
            updated["name"].as_str(),
            updated["job_position_name"].as_str()
        ),
        (200, Some("New Me"), Some("Analyst"))
    );
    let res = app
        .as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"role": "AppAdmin"}))
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
    let res = app
        .as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"email": "other@acme.test"}))
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
    let res = app
        .as_user(
            &token,
            "acme",
            Method::PUT,
            &format!("/api/v1/app/user/{}", app.admin.user_id),
        )
        .json(&json!({"name": "Pwned"}))
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
    let (_, me) = json(app.admin(Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(me["roles"], json!(["AppMember"]));
}

#[tokio::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = TestApp::spawn().await;
    let me = format!("/api/v1/app/user/{}", app.admin.user_id);
    problem(
        app.admin(Method::PUT, &me)
            .json(&json!({"role": "AppMember"}))
            .send()
            .await
            .unwrap(),
        409,
        "last_admin",
    )
    .await;
    problem(
        app.admin(Method::POST, &format!("{me}/deactivate"))
            .send()
            .await
            .unwrap(),
        409,
        "last_admin",
    )
    .await;
    // With a second active admin, it can.
    app.create_user("second@acme.test", "AppAdmin").await;
    let (status, body) = json(
        app.admin(Method::POST, &format!("{me}/deactivate"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["state"].as_str()), (200, Some("Inactive")));
}

#[tokio::test]
async fn deactivate_and_activate_are_idempotent_and_take_effect_at_once() {
    let app = TestApp::spawn().await;
    let (user, token) = app.user_with_token("temp@acme.test", "AppMember").await;
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    for _ in 0..2 {
        let (status, body) = json(
            app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body),
            (200, json!({"id": id, "state": "Inactive"}))
        );
    }
    let res = app
        .as_user(&token, "acme", Method::GET, "/api/v1/app/me")
        .send()
        .await
        .unwrap();
    problem(res, 403, "user_inactive").await;
    for _ in 0..2 {
        let (status, body) = json(
            app.admin(Method::POST, &format!("/api/v1/app/user/{id}/activate"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body), (200, json!({"id": id, "state": "Active"})));
    }
    assert_eq!(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn only_app_admins_activate_and_deactivate() {
    let app = TestApp::spawn().await;
    let (_, token) = app.user_with_token("member@acme.test", "AppMember").await;
    for action in ["deactivate", "activate"] {
        let res = app
            .as_user(
                &token,
                "acme",
                Method::POST,
                &format!("/api/v1/app/user/{}/{action}", app.admin.user_id),
            )
            .send()
            .await
            .unwrap();
        problem(res, 403, "admin_required").await;
    }
    let res = app
        .admin(Method::POST, "/api/v1/app/user/user_nope/deactivate")
        .send()
        .await
        .unwrap();
    problem(res, 404, "user_not_found").await;
}

#[tokio::test]
async fn one_account_in_two_orgs_is_picked_by_x_org_and_deactivation_is_per_org() {
    let app = TestApp::spawn().await;
    let globex = app.bootstrap("globex", "boss@globex.test").await;
    let (in_acme, token) = app.user_with_token("shared@example.com", "AppMember").await;
    let body = json!({"account_id": in_acme["account_id"], "role": "AppAdmin", "user_info": {"email": "shared@example.com", "name": "Shared"}});
    let (status, in_globex) = json(
        app.as_user(&globex.token, "globex", Method::POST, "/api/v1/app/user")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{in_globex}");
    let (_, me_acme) = json(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, me_globex) = json(
        app.as_user(&token, "globex", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (me_acme["id"].clone(), me_acme["roles"].clone()),
        (in_acme["id"].clone(), json!(["AppMember"]))
    );
    assert_eq!(
        (me_globex["id"].clone(), me_globex["roles"].clone()),
        (in_globex["id"].clone(), json!(["AppAdmin"]))
    );
    app.admin(
        Method::POST,
        &format!(
            "/api/v1/app/user/{}/deactivate",
            in_acme["id"].as_str().unwrap()
        ),
    )
    .send()
    .await
    .unwrap();
    problem(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap(),
        403,
        "user_inactive",
    )
    .await;
    assert_eq!(
        app.as_user(&token, "globex", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
