//! The list of groups: oldest first, cursor and offset pages, `search`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

use super::{field_of, group_named, GROUPS};

#[tokio::test]
async fn groups_page_by_cursor_and_offset_oldest_first() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(group_named(&app, &format!("Group {i}")).await);
    }
    let first = app
        .admin(Method::GET, &format!("{GROUPS}?first=2"))
        .ok()
        .await;
    assert_eq!(field_of(&first, "id"), ids[..2]);
    assert_eq!(first["total_count"], 5);
    assert_eq!(first["has_next_page"], true);
    assert_eq!(first["has_previous_page"], false);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .admin(Method::GET, &format!("{GROUPS}?first=2&after={cursor}"))
        .ok()
        .await;
    assert_eq!(field_of(&second, "id"), ids[2..4]);
    assert_eq!(second["has_previous_page"], true);
    let back = second["previous_cursor"].as_str().unwrap();
    let before = app
        .admin(Method::GET, &format!("{GROUPS}?last=2&before={back}"))
        .ok()
        .await;
    assert_eq!(field_of(&before, "id"), ids[..2]);
    let cursor = second["next_cursor"].as_str().unwrap();
    let last = app
        .admin(Method::GET, &format!("{GROUPS}?first=2&after={cursor}"))
        .ok()
        .await;
    assert_eq!(field_of(&last, "id"), ids[4..]);
    assert_eq!(last["has_next_page"], false);
    assert!(last["next_cursor"].is_null());

    let page = app
        .admin(Method::GET, &format!("{GROUPS}?page=2&page_size=2"))
        .ok()
        .await;
    assert_eq!(field_of(&page, "id"), ids[2..4]);
    let past = app
        .admin(Method::GET, &format!("{GROUPS}?page=9&page_size=2"))
        .ok()
        .await;
    assert_eq!(past["data"].as_array().unwrap().len(), 0);
    assert_eq!(past["total_count"], 5);

    for bad in [
        "page_size=0",
        "page_size=101",
        "page=0",
        "first=101",
        "first=0",
        "after=garbage",
        "page_size=x",
    ] {
        app.admin(Method::GET, &format!("{GROUPS}?{bad}"))
            .problem(400, "validation_failed")
            .await;
    }
}

#[tokio::test]
async fn search_finds_a_substring_of_the_name_whatever_its_case() {
    let app = TestApp::spawn().await;
    let eng = group_named(&app, "Platform Engineering").await;
    let data = group_named(&app, "Data engineers").await;
    group_named(&app, "Sales").await;
    group_named(&app, "100%_done").await;
    let found = app
        .admin(Method::GET, &format!("{GROUPS}?search=ENGINEER"))
        .ok()
        .await;
    assert_eq!(field_of(&found, "id"), [eng, data]);
    assert_eq!(found["total_count"], 2);
    // LIKE's wildcards are plain characters.
    let found = app
        .admin(Method::GET, &format!("{GROUPS}?search=%25_"))
        .ok()
        .await;
    assert_eq!(field_of(&found, "display_name"), ["100%_done"]);
    let none = app
        .admin(Method::GET, &format!("{GROUPS}?search=_d"))
        .ok()
        .await;
    assert_eq!(none["total_count"], 1, "{none}");
    let none = app
        .admin(Method::GET, &format!("{GROUPS}?search=nothing"))
        .ok()
        .await;
    assert_eq!(none["total_count"], 0);
    // Blank is no search; too long or with a control character is a 400.
    let all = app
        .admin(Method::GET, &format!("{GROUPS}?search=%20"))
        .ok()
        .await;
    assert_eq!(all["total_count"], 4);
    let long = "a".repeat(201);
    for bad in [long.as_str(), "a%01b"] {
        let body = app
            .admin(Method::GET, &format!("{GROUPS}?search={bad}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], "search", "{body}");
    }
}
