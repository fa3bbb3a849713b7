//! `GET /api/v1/app/user-imports` (the org's imports, newest first, cursor paging) and the
//! `external_id` field of import lines, read in NDJSON, CSV and Auth0's form, updated,
//! refused past its bound, and written back by the export.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{post_import as post, IMPORTS};

fn ids(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_imports_are_listed_newest_first_a_page_at_a_time_to_admins_of_the_org_only() {
    let app = TestApp::spawn().await;
    let mut made = Vec::new();
    for (i, query) in ["", "dry_run=true", "format=csv"].iter().enumerate() {
        let body = if query.contains("csv") {
            format!("email\nu{i}@acme.test\n")
        } else {
            format!("{}\n", json!({"email": format!("u{i}@acme.test")}))
        };
        made.push(post(&app, query, body).await);
    }
    let newest_first: Vec<&str> = made
        .iter()
        .rev()
        .map(|m| m["id"].as_str().unwrap())
        .collect();

    let all = app.admin(Method::GET, IMPORTS).ok().await;
    assert_eq!(ids(&all), newest_first, "{all}");
    assert_eq!(all["total_count"], 3);
    assert_eq!(
        all["data"][0], made[2],
        "each item is the import as its GET shows it"
    );
    assert_eq!(all["data"][1]["dry_run"], true);

    let first = app
        .admin(Method::GET, &format!("{IMPORTS}?first=2"))
        .ok()
        .await;
    assert_eq!(ids(&first), newest_first[..2]);
    assert_eq!(first["has_next_page"], true);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .admin(Method::GET, &format!("{IMPORTS}?after={cursor}&first=2"))
        .ok()
        .await;
    assert_eq!(ids(&second), newest_first[2..]);
    assert_eq!(
        (&second["has_next_page"], &second["has_previous_page"]),
        (&json!(false), &json!(true))
    );
    let back = second["previous_cursor"].as_str().unwrap();
    let again = app
        .admin(Method::GET, &format!("{IMPORTS}?before={back}&last=2"))
        .ok()
        .await;
    assert_eq!(ids(&again), newest_first[..2]);

    for query in ["after=garbage", "first=0", "first=101", "page_size=x"] {
        app.admin(Method::GET, &format!("{IMPORTS}?{query}"))
            .problem(400, "validation_failed")
            .await;
    }
    let (_, member) = app.user_with_token("member@acme.test", "AppMember").await;
    app.as_user(&member, "acme", Method::GET, IMPORTS)
        .problem(403, "admin_required")
        .await;
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app
        .as_user(&other.token, "globex", Method::GET, IMPORTS)
        .ok()
        .await;
    assert_eq!(
        (theirs["total_count"].clone(), ids(&theirs).len()),
        (json!(0), 0)
    );
}

async fn external_ids(app: &TestApp) -> Vec<(String, Value)> {
    let mut rows: Vec<(String, Value)> = super::exported(app)
        .await
        .into_iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap().to_owned(),
                u["external_id"].clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[tokio::test]
async fn external_ids_are_imported_from_every_form_updated_bounded_and_exported() {
    let app = TestApp::spawn().await;
    let ndjson = [
        json!({"email": "ada@acme.test", "external_id": "hr-1"}),
        json!({"email": "long@acme.test", "external_id": "x".repeat(201)}),
        json!({"email": "num@acme.test", "external_id": 7}),
    ]
    .iter()
    .map(|u| format!("{u}\n"))
    .collect::<String>();
    let done = post(&app, "", ndjson).await;
    assert_eq!(
        (&done["created"], &done["failed"]),
        (&json!(1), &json!(2)),
        "{done}"
    );
    let errors = app
        .admin(
            Method::GET,
            &format!("{IMPORTS}/{}/errors", done["id"].as_str().unwrap()),
        )
        .status(200)
        .await;
    let codes: Vec<String> = errors
        .text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(codes, ["validation_failed", "invalid_field"]);

    post(
        &app,
        "format=csv",
        "email,external_id\ngrace@acme.test,hr-2\n".into(),
    )
    .await;
    let auth0 = json!({"email": "kim@acme.test", "user_id": "auth0|abc", "email_verified": true});
    post(&app, "format=auth0", format!("{auth0}\n")).await;
    let update_ada = format!(
        "{}\n",
        json!({"email": "ada@acme.test", "external_id": "hr-9"})
    );
    let updated = post(&app, "on_conflict=update", update_ada.clone()).await;
    assert_eq!(updated["updated"], 1, "{updated}");

    assert_eq!(
        external_ids(&app).await,
        [
            ("admin@acme.test".to_owned(), Value::Null),
            ("ada@acme.test".to_owned(), json!("hr-9")),
            ("grace@acme.test".to_owned(), json!("hr-2")),
            ("kim@acme.test".to_owned(), json!("auth0|abc")),
        ]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    // The same file again with `update`: nothing to change, so skipped.
    let again = post(&app, "on_conflict=update", update_ada).await;
    assert_eq!(
        (&again["updated"], &again["skipped"]),
        (&json!(0), &json!(1))
    );
}
