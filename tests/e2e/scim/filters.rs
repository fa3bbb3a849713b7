//! Filters: each operator, and/or/not/parentheses, case rules, value paths; a filter the
//! server cannot serve is a 400 invalidFilter, a miss an empty ListResponse.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::Scim;

/// The userNames a filter selects, in order.
async fn names(app: &TestApp, scim: &Scim, filter: &str) -> Vec<String> {
    let list = scim
        .req(app, Method::GET, "/Users")
        .query(&[("filter", filter)])
        .ok()
        .await;
    let resources = list["Resources"].as_array().unwrap();
    assert_eq!(list["totalResults"], resources.len(), "{filter}: {list}");
    resources
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect()
}

async fn people(app: &TestApp, scim: &Scim) -> Vec<Value> {
    let mut made = Vec::new();
    for (user_name, external, given, family, title) in [
        (
            "bjensen@example.com",
            "x-1",
            "Barbara",
            "Jensen",
            "Tour Guide",
        ),
        ("JSmith@Example.com", "X-2", "John", "Smith", "Engineer"),
        ("ada", "x-3", "Ada", "Lovelace", "Countess"),
    ] {
        let email = match user_name.contains('@') {
            true => user_name.to_owned(),
            false => format!("{user_name}@math.test"),
        };
        made.push(
            scim.create(
                app,
                json!({"userName": user_name, "externalId": external, "title": title,
                       "name": {"givenName": given, "familyName": family},
                       "displayName": format!("{given} {family}"),
                       "emails": [{"value": email, "type": "work", "primary": true}]}),
            )
            .await,
        );
    }
    made
}

#[tokio::test]
async fn every_operator_compares_as_rfc_7643_says() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    people(&app, &scim).await;
    let all_but_admin = ["bjensen@example.com", "JSmith@Example.com", "ada"];
    for (filter, expected) in [
        (
            r#"userName eq "BJENSEN@example.com""#,
            vec!["bjensen@example.com"],
        ),
        (
            r#"userName ne "ada""#,
            vec![
                "admin@acme.test",
                "bjensen@example.com",
                "JSmith@Example.com",
            ],
        ),
        (r#"userName co "SMITH""#, vec!["JSmith@Example.com"]),
        (r#"userName sw "b""#, vec!["bjensen@example.com"]),
        (
            r#"userName ew "@EXAMPLE.COM""#,
            vec!["bjensen@example.com", "JSmith@Example.com"],
        ),
        (
            r#"userName gt "b""#,
            vec!["bjensen@example.com", "JSmith@Example.com"],
        ),
        (
            r#"userName ge "bjensen@example.com""#,
            vec!["bjensen@example.com", "JSmith@Example.com"],
        ),
        (r#"userName lt "admin""#, vec!["ada"]),
        (r#"userName le "ada""#, vec!["ada"]),
        (r#"externalId eq "X-2""#, vec!["JSmith@Example.com"]),
        (r#"externalId eq "x-2""#, vec![]),
        (r#"externalId pr"#, all_but_admin.to_vec()),
        (r#"displayName eq "ada lovelace""#, vec!["ada"]),
        (r#"name.givenName sw "jo""#, vec!["JSmith@Example.com"]),
        (
            r#"name.familyName eq "JENSEN""#,
            vec!["bjensen@example.com"],
        ),
        (r#"emails.value ew "math.test""#, vec!["ada"]),
        (
            r#"emails[type eq "work"].value eq "ADA@math.test""#,
            vec!["ada"],
        ),
        (
            r#"emails[type eq "work" and value co "example"]"#,
            vec!["bjensen@example.com", "JSmith@Example.com"],
        ),
        (r#"emails[type eq "home"]"#, vec![]),
        (
            r#"active eq true"#,
            vec![
                "admin@acme.test",
                "bjensen@example.com",
                "JSmith@Example.com",
                "ada",
            ],
        ),
        (r#"active eq false"#, vec![]),
        (
            r#"meta.created gt "2000-01-01T00:00:00Z""#,
            vec![
                "admin@acme.test",
                "bjensen@example.com",
                "JSmith@Example.com",
                "ada",
            ],
        ),
        (r#"meta.lastModified lt "2000-01-01T00:00:00Z""#, vec![]),
        (
            r#"title pr and not (title eq "engineer")"#,
            vec!["bjensen@example.com", "ada"],
        ),
        (r#"not (externalId pr)"#, vec!["admin@acme.test"]),
        (
            r#"userName eq "ada" or userName eq "bjensen@example.com""#,
            vec!["bjensen@example.com", "ada"],
        ),
        (
            r#"(userName eq "ada" or name.givenName eq "john") and title eq "countess""#,
            vec!["ada"],
        ),
        (
            r#"userName eq "ada" or name.givenName eq "john" and title eq "countess""#,
            vec!["ada"],
        ),
        (r#"USERNAME EQ "ada""#, vec!["ada"]),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada""#,
            vec!["ada"],
        ),
        (r#"userName eq "nobody""#, vec![]),
    ] {
        assert_eq!(names(&app, &scim, filter).await, expected, "{filter}");
    }
}

#[tokio::test]
async fn a_filter_the_server_cannot_serve_is_invalid_filter() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    for bad in [
        "userName",
        "userName eq",
        r#"userName xx "a""#,
        r#"(userName eq "a""#,
        r#"userName eq "a")"#,
        "userName eq unquoted",
        r#"userName eq "a" and"#,
        r#"nickName eq "a""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x""#,
        "userName eq true",
        r#"active co "t""#,
        "active gt true",
        r#"meta.created eq "yesterday""#,
        r#"meta.created sw "2020""#,
        r#"emails[type eq "work"][x]"#,
        "'; DROP TABLE users; --",
        r#"userName eq "\u00""#,
    ] {
        scim.req(&app, Method::GET, "/Users")
            .query(&[("filter", bad)])
            .scim_error(400, Some("invalidFilter"))
            .await;
    }
    let deep = format!("{}userName pr{}", "(".repeat(200), ")".repeat(200));
    scim.req(&app, Method::GET, "/Users")
        .query(&[("filter", deep.as_str())])
        .scim_error(400, Some("invalidFilter"))
        .await;
}

#[tokio::test]
async fn a_page_has_the_exact_total_wherever_it_ends_and_each_users_groups() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let user = scim.user(&app, &format!("u{i}@example.com")).await;
        ids.push(user["id"].as_str().unwrap().to_owned());
    }
    let first = scim.group(&app, "First", &[&ids[0], &ids[1]]).await;
    let second = scim.group(&app, "Second", &[&ids[1]]).await;
    // Full pages count apart, a last page is its own total, a page past the end counts;
    // count=3 is cut from a LIMIT of 5.
    for (filter, total) in [(Some("userName sw \"u\""), 4), (None, 5)] {
        for (start, count, items) in [(1, 2, 2), (3, 2, 2), (4, 2, total - 3), (9, 2, 0)]
            .into_iter()
            .chain([(1, 0, 0), (1, 3, 3), (2, 100, total - 1)])
        {
            let mut query = vec![
                ("startIndex", start.to_string()),
                ("count", count.to_string()),
            ];
            query.extend(filter.map(|f| ("filter", f.to_owned())));
            let list = scim
                .req(&app, Method::GET, "/Users")
                .query(&query)
                .ok()
                .await;
            assert_eq!(list["totalResults"], total, "{query:?}: {list}");
            assert_eq!(list["itemsPerPage"], items, "{query:?}: {list}");
        }
    }
    let list = scim
        .req(&app, Method::GET, "/Users")
        .query(&[("filter", "userName sw \"u\"")])
        .ok()
        .await;
    let groups: Vec<Vec<(Value, Value)>> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            u["groups"]
                .as_array()
                .map(|g| {
                    g.iter()
                        .map(|g| (g["value"].clone(), g["display"].clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let (f, s) = (first["id"].clone(), second["id"].clone());
    assert_eq!(
        groups,
        vec![
            vec![(f.clone(), json!("First"))],
            vec![(f, json!("First")), (s, json!("Second"))],
            vec![],
            vec![],
        ],
        "{list}"
    );
    let ref_of = &list["Resources"][0]["groups"][0]["$ref"];
    assert!(
        ref_of.as_str().is_some_and(|r| r.ends_with(&format!(
            "/scim/v2/Groups/{}",
            first["id"].as_str().unwrap()
        ))),
        "{list}"
    );
}
