//! App users: `GET /api/v1/app/user`: its envelope, paging bounds and filters.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::user_page;

#[tokio::test]
async fn list_pages_with_the_seed_envelope() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let first = user_page(&app, "page=1&page_size=2").await;
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
    let last = user_page(&app, "page=3&page_size=2").await;
    assert_eq!(
        (
            last["has_next_page"].as_bool(),
            last["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(last["data"][1]["email"], "u4@acme.test");
    let beyond = user_page(&app, "page=9&page_size=2").await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["total_count"], 6);
    let default = app.admin(Method::GET, "/api/v1/app/user").ok().await;
    assert_eq!(default["data"].as_array().unwrap().len(), 6);
    // A member may read the directory too.
    let (_, token) = app.user_with_token("reader@acme.test", "AppMember").await;
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/user")
        .ok()
        .await;
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
        let body = app
            .admin(Method::GET, &format!("/api/v1/app/user?{query}"))
            .status(400)
            .await
            .json();
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{query}: {body}"
        );
    }
    app.admin(Method::GET, "/api/v1/app/user?page=2&first=3")
        .problem(400, "mixed_paging")
        .await;
    app.admin(Method::GET, "/api/v1/app/user?first=2&last=3")
        .problem(400, "mixed_paging")
        .await;
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
    .reply()
    .await;
    let emails = |page: &Value| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let page = user_page(&app, "state=Inactive").await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    let page = user_page(&app, "role=AppAdmin").await;
    assert_eq!(emails(&page), ["admin@acme.test", "bo@acme.test"]);
    assert_eq!(page["total_count"], 2);
    let page = user_page(&app, "search=LOPEZ").await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    // Search covers names too (create_user names users "User <email>").
    let page = user_page(&app, "search=user%20bo").await;
    assert_eq!(emails(&page), ["bo@acme.test"]);
    // LIKE wildcards are literal.
    let page = user_page(&app, "search=%25_").await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    let page = user_page(&app, "state=Active&role=AppMember&search=real").await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    app.admin(Method::GET, "/api/v1/app/user?search=a%1Fb")
        .problem(400, "validation_failed")
        .await;
    let page = user_page(&app, "search=nobody-matches").await;
    assert_eq!(
        (
            page["total_count"].as_i64(),
            page["data"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
}
