//! App users filtered by metadata are paged and counted from the pairs they hold
//! (`user_metadata_pairs`, kept by triggers): after every kind of write (create, PATCH
//! merge and removal, PUT, deactivation, delete) the filtered pages, their totals and the
//! pairs themselves agree with the users' own metadata, at every offset and cursor.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::{id, Fixture, Kind};

/// The org's users, oldest first, as the unfiltered list shows them.
async fn everyone(f: &Fixture) -> Vec<Value> {
    let page = f
        .list_request(Kind::AppUser, "page=1&page_size=100")
        .ok()
        .await;
    page["data"].as_array().unwrap().clone()
}

/// The ids of `users` holding every pair of `wanted` (and in `state`, if given), in order.
fn holding(users: &[Value], wanted: &[(&str, &str)], state: Option<&str>) -> Vec<String> {
    users
        .iter()
        .filter(|u| wanted.iter().all(|(k, v)| u["metadata"][*k] == *v))
        .filter(|u| state.is_none_or(|s| u["state"] == s))
        .map(id)
        .collect()
}

/// Every page of `query` (`page_size` 2), offset pages then cursor pages: the ids in
/// order, each page's total checked against `expected`'s length; one page past the end too.
async fn paged(f: &Fixture, query: &str, expected: &[String]) -> Vec<String> {
    let mut ids = Vec::new();
    for page in 1..=expected.len().div_ceil(2) + 1 {
        let body = f
            .list_request(Kind::AppUser, &format!("{query}&page={page}&page_size=2"))
            .ok()
            .await;
        assert_eq!(
            body["total_count"],
            expected.len(),
            "{query} page {page}: {body}"
        );
        ids.extend(body["data"].as_array().unwrap().iter().map(id));
    }
    let mut by_cursor = Vec::new();
    let mut after = String::new();
    loop {
        let body = f
            .list_request(Kind::AppUser, &format!("{query}&first=2{after}"))
            .ok()
            .await;
        assert_eq!(body["total_count"], expected.len(), "{query}: {body}");
        by_cursor.extend(body["data"].as_array().unwrap().iter().map(id));
        match body["next_cursor"].as_str() {
            Some(cursor) if by_cursor.len() < expected.len() => after = format!("&after={cursor}"),
            _ => break,
        }
    }
    assert_eq!(by_cursor, ids, "{query}: cursor pages as offset pages");
    ids
}

#[tokio::test]
async fn metadata_pages_and_totals_follow_every_write() {
    let f = Fixture::new().await;
    let mut pros = Vec::new();
    for region in ["eu", "us", "eu", "us", "eu"] {
        pros.push(
            f.create(Kind::AppUser, json!({"plan": "pro", "region": region}))
                .await,
        );
    }
    let free = f.create(Kind::AppUser, json!({"plan": "free"})).await;
    f.create(Kind::AppUser, json!({})).await;
    f.patch(Kind::AppUser, &pros[0], json!({"plan": "team"}))
        .ok()
        .await;
    f.patch(Kind::AppUser, &pros[1], json!({"region": ""}))
        .ok()
        .await;
    f.app
        .admin(Method::PUT, &Fixture::path(Kind::AppUser, &free))
        .json(&json!({"metadata": {"plan": "pro", "region": "eu"}}))
        .ok()
        .await;
    f.app
        .admin(Method::DELETE, &Fixture::path(Kind::AppUser, &pros[2]))
        .reply()
        .await
        .expect(204);
    let deactivate = format!("{}/deactivate", Fixture::path(Kind::AppUser, &pros[3]));
    f.app.admin(Method::POST, &deactivate).ok().await;

    let users = everyone(&f).await;
    for (query, wanted, state) in [
        ("metadata[plan]=pro", &[("plan", "pro")][..], None),
        ("metadata[region]=eu", &[("region", "eu")][..], None),
        (
            "metadata[plan]=pro&metadata[region]=eu",
            &[("plan", "pro"), ("region", "eu")][..],
            None,
        ),
        (
            "metadata[plan]=pro&state=Active",
            &[("plan", "pro")][..],
            Some("Active"),
        ),
        ("metadata[plan]=team", &[("plan", "team")][..], None),
        ("metadata[plan]=gone", &[("plan", "gone")][..], None),
    ] {
        let expected = holding(&users, wanted, state);
        assert_eq!(paged(&f, query, &expected).await, expected, "{query}");
    }
    assert_eq!(
        holding(&users, &[("plan", "pro")], None).len(),
        4,
        "the writes left four pros (one moved, one deleted, one joined)"
    );

    // The pairs are exactly the users' metadata, nothing more, nothing less.
    let stray = f
        .app
        .sql_count(
            "SELECT count(*) AS n FROM user_metadata_pairs p \
             FULL JOIN (SELECT u.org_id, e.key, e.value, u.created_at, u.id \
                        FROM users u, jsonb_each_text(u.metadata) e) h \
               ON (h.org_id, h.key, h.value, h.created_at, h.id) \
                = (p.org_id, p.key, p.value, p.created_at, p.user_id) \
             WHERE p.user_id IS NULL OR h.id IS NULL",
        )
        .await;
    assert_eq!(stray, 0);
}
