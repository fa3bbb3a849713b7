//! `POST /api/v1/external-user-imports` and what follows it: the import's counts and
//! refused lines, the users listed, counted, found and evented, a dry run, `skip` twice,
//! `update`, the export and the round trip into another workspace, and who may see it.

use reqwest::Method;
use roster_e2e::{Expect, TestApp, Workspace};
use serde_json::{json, Value};

use super::USERS;

const IMPORTS: &str = "/api/v1/external-user-imports";
const EXPORT: &str = "/api/v1/external-user-export";

fn ndjson(users: &[Value]) -> String {
    users.iter().map(|u| format!("{u}\n")).collect()
}

/// `POST /api/v1/external-user-imports?{query}` of `body` with the workspace's key: the
/// import, asserted 202.
pub(crate) async fn post(app: &TestApp, key: &str, query: &str, body: String) -> Value {
    app.external(key, Method::POST, &format!("{IMPORTS}?{query}"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .status(202)
        .await
        .json()
}

/// The import's refused lines: (line, code, externalId).
async fn refused(app: &TestApp, key: &str, id: &str) -> Vec<(i64, String, Value)> {
    let errors = app
        .external(key, Method::GET, &format!("{IMPORTS}/{id}/errors"))
        .status(200)
        .await;
    assert_eq!(errors.header("content-type"), Some("application/x-ndjson"));
    errors
        .text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|e| {
            assert!(e.get("email").is_none(), "{e}");
            (
                e["line"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
                e["externalId"].clone(),
            )
        })
        .collect()
}

/// The workspace's export: its NDJSON lines.
pub(crate) async fn exported(app: &TestApp, key: &str) -> Vec<Value> {
    let export = app.external(key, Method::GET, EXPORT).status(200).await;
    assert_eq!(export.header("content-type"), Some("application/x-ndjson"));
    export
        .text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .collect()
}

async fn total(app: &TestApp, key: &str, query: &str) -> i64 {
    let (total, _) = app
        .external(key, Method::GET, &format!("{USERS}?{query}"))
        .listed()
        .await;
    total.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql_count(sql).await
}

#[tokio::test]
async fn an_import_writes_its_users_and_reports_every_bad_line() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let web = app.channel(key, "Website").await;
    app.channel(key, "WhatsApp").await;
    let tier = app.tier(key, "Gold").await;
    let group = app.group(key, "Aurora Labs").await;
    let other = app.workspace().await;
    let other_channel = app.channel(&other.api_key, "Website").await;
    let other_group = app.group(&other.api_key, "Aurora Labs").await;
    app.external_create(
        key,
        USERS,
        json!({"channelId": web, "externalId": "crm-1", "name": "Already There"}),
    )
    .await;
    let body = ndjson(&[
        json!({"channelId": web, "externalId": "crm-2", "identifier": "ada@example.com",
               "name": "Ada Lovelace", "tierId": tier, "externalUserGroupId": group}),
        json!({"channel": "WhatsApp", "identifier": "ADA@example.com", "name": "Ada on WA"}),
        json!({"channelId": web, "externalId": "crm-1"}),
        json!({"channelId": web, "externalId": "crm-2"}),
        json!({"channelId": other_channel, "externalId": "crm-5"}),
        json!({"channel": "Nowhere", "externalId": "crm-6"}),
        json!({"channelId": web, "externalId": "crm-7", "tierId": uuid::Uuid::new_v4()}),
        json!({"channelId": web, "externalId": "crm-8", "externalUserGroupId": other_group}),
        json!({"channelId": web, "externalId": "x"}),
    ]) + "not json\n"
        + &ndjson(&[
            json!({"channelId": web, "nickname": "Ada"}),
            json!({"channelId": web, "externalId": "crm-12", "name": "Blocked Bob", "blocked": true}),
            json!({"externalId": "crm-13"}),
        ])
        + &format!("{{\"channelId\":\"{web}\",\"externalId\":\"crm-1");
    let done = post(&app, key, "", body).await;
    assert_eq!(done["state"], "completed", "{done}");
    let counts = ["read", "created", "updated", "skipped", "failed"].map(|c| done[c].clone());
    assert_eq!(counts, [14, 3, 0, 0, 11].map(|n| json!(n)), "{done}");
    let id = done["id"].as_str().unwrap();
    let shown = app
        .external(key, Method::GET, &format!("{IMPORTS}/{id}"))
        .ok()
        .await;
    assert_eq!(shown, done);
    let codes = refused(&app, key, id).await;
    let expected = [
        (3, "external_id_taken", json!("crm-1")),
        (4, "duplicate_in_file", json!("crm-2")),
        (5, "channel_not_found", json!("crm-5")),
        (6, "channel_not_found", json!("crm-6")),
        (7, "tier_not_found", json!("crm-7")),
        (8, "external_user_group_not_found", json!("crm-8")),
        (9, "validation_failed", json!("x")),
        (10, "malformed_line", Value::Null),
        (11, "invalid_field", Value::Null),
        (13, "validation_failed", json!("crm-13")),
        (14, "malformed_line", Value::Null),
    ]
    .map(|(l, c, e)| (l, c.to_owned(), e));
    assert_eq!(codes, expected);

    // Listed, counted and found at once; the two Adas are one super identity.
    assert_eq!(total(&app, key, "").await, 4);
    assert_eq!(total(&app, key, &format!("tierIds={tier}")).await, 1);
    assert_eq!(total(&app, key, "search=lovelace").await, 1);
    let (_, adas) = app
        .external(key, Method::GET, &format!("{USERS}?search=ada"))
        .listed()
        .await;
    let adas = adas.as_array().unwrap();
    assert_eq!(adas.len(), 2);
    assert_eq!(adas[0]["superIdentityId"], adas[1]["superIdentityId"]);
    let (_, blocked) = app
        .external(key, Method::GET, &format!("{USERS}?search=bob"))
        .listed()
        .await;
    assert_eq!(blocked[0]["blocked"], true);

    // One event a user, one for the import; in the workspace's org.
    let created = "SELECT count(*) AS n FROM events WHERE type = 'external_user.created'";
    assert_eq!(count(&app, created).await, 4);
    let completed = format!(
        "SELECT count(*) AS n FROM events WHERE type = 'import.completed' \
         AND target_id = '{id}' AND data->>'type' = 'external_users' \
         AND data->>'workspace_id' = '{}' AND (data->>'created')::int = 3 \
         AND (data->>'failed')::int = 11",
        ws.id
    );
    assert_eq!(count(&app, &completed).await, 1);

    // Neither another workspace nor the org's user imports see it.
    for path in [format!("{IMPORTS}/{id}"), format!("{IMPORTS}/{id}/errors")] {
        app.external(&other.api_key, Method::GET, &path)
            .problem(404, "import_not_found")
            .await;
    }
    app.admin(Method::GET, &format!("/api/v1/app/user-imports/{id}"))
        .problem(404, "import_not_found")
        .await;
    let listed = app
        .admin(Method::GET, "/api/v1/app/user-imports")
        .ok()
        .await;
    assert_eq!(listed["data"], json!([]), "{listed}");
}

#[tokio::test]
async fn a_dry_run_writes_nothing_skip_twice_changes_nothing_and_update_changes() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    app.channel(key, "Website").await;
    let csv = "channel,externalId,identifier,name,blocked\n\
               Website,crm-1,ada@example.com,Ada Lovelace,false\n\
               Website,crm-2,,\"Hopper, Grace\",\n";
    let users = "SELECT count(*) AS n FROM external_users";
    let events = "SELECT count(*) AS n FROM events WHERE type LIKE 'external_user.%' \
                  OR type = 'import.completed'";
    let dry = post(&app, key, "format=csv&dry_run=true", csv.into()).await;
    assert_eq!(
        (&dry["created"], &dry["dry_run"]),
        (&json!(2), &json!(true))
    );
    assert_eq!(
        (count(&app, users).await, count(&app, events).await),
        (0, 0)
    );
    let first = post(&app, key, "format=csv&on_conflict=skip", csv.into()).await;
    assert_eq!(first["created"], 2, "{first}");
    let before = count(&app, events).await;
    let again = post(&app, key, "format=csv&on_conflict=skip", csv.into()).await;
    assert_eq!(
        (&again["created"], &again["skipped"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(count(&app, users).await, 2);
    assert_eq!(
        count(&app, events).await,
        before + 1,
        "only import.completed"
    );
    let failed = post(&app, key, "format=csv", csv.into()).await;
    assert_eq!(failed["failed"], 2, "{failed}");

    let changed = "channel,externalId,identifier,name,blocked\n\
                   Website,crm-1,ada@example.com,Ada Lovelace,true\n\
                   Website,crm-2,,\"Hopper, Grace\",\n";
    let update = post(&app, key, "format=csv&on_conflict=update", changed.into()).await;
    let counts = ["created", "updated", "skipped", "failed"].map(|c| update[c].clone());
    assert_eq!(counts, [0, 1, 1, 0].map(|n| json!(n)), "{update}");
    let blocked = "SELECT count(*) AS n FROM events WHERE type = 'external_user.blocked'";
    assert_eq!(count(&app, blocked).await, 1);
    assert_eq!(total(&app, key, "search=hopper").await, 1);
}

/// Catalogues of the same names in `ws`: the channels, a tier and a group.
async fn catalogues(app: &TestApp, ws: &Workspace) -> (String, String, String) {
    let key = ws.api_key.as_str();
    let web = app.channel(key, "Website").await;
    app.channel(key, "WhatsApp").await;
    (
        web,
        app.tier(key, "Gold").await,
        app.group(key, "Aurora Labs").await,
    )
}

#[tokio::test]
async fn an_export_imported_into_another_workspace_gives_the_same_users() {
    let app = TestApp::spawn().await;
    let from = app.workspace().await;
    let (web, tier, group) = catalogues(&app, &from).await;
    let body = ndjson(&[
        json!({"channelId": web, "externalId": "crm-1", "identifier": "ada@example.com",
               "name": "Ada Lovelace", "tierId": tier, "externalUserGroupId": group,
               "createdAt": "2024-01-02T03:04:05.123456Z"}),
        json!({"channel": "WhatsApp", "identifier": "ada@example.com", "blocked": true,
               "createdAt": "2024-01-03T00:00:00Z"}),
        json!({"channel": "WhatsApp", "name": "Nameless one", "createdAt": "2024-01-04T00:00:00Z"}),
    ]);
    let done = post(&app, &from.api_key, "", body).await;
    assert_eq!(done["created"], 3, "{done}");
    let out = exported(&app, &from.api_key).await;
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["channel"], "Website");
    assert_eq!(out[0]["tier"], "Gold");
    assert_eq!(out[0]["externalUserGroup"], "Aurora Labs");
    assert_eq!(out[0]["createdAt"], "2024-01-02T03:04:05.123456Z");
    assert!(out[0].get("channelId").is_none(), "{}", out[0]);

    let to = app.workspace().await;
    catalogues(&app, &to).await;
    let back = post(&app, &to.api_key, "", ndjson(&out)).await;
    assert_eq!((&back["created"], &back["failed"]), (&json!(3), &json!(0)));
    assert_eq!(exported(&app, &to.api_key).await, out);
}

#[tokio::test]
async fn empty_files_bad_options_and_callers_without_a_key_are_answered() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let empty = post(&app, key, "", String::new()).await;
    assert_eq!(
        (&empty["state"], &empty["read"], &empty["created"]),
        (&json!("completed"), &json!(0), &json!(0))
    );
    for (query, code) in [
        ("format=auth0", "validation_failed"),
        ("format=xml", "validation_failed"),
        ("on_conflict=maybe", "validation_failed"),
        ("colour=blue", "validation_failed"),
    ] {
        app.external(key, Method::POST, &format!("{IMPORTS}?{query}"))
            .body("{}\n")
            .problem(400, code)
            .await;
    }
    let header = post(
        &app,
        key,
        "format=csv",
        "channel,nickname\nWebsite,x\n".into(),
    )
    .await;
    assert_eq!(header["state"], "failed");
    assert!(
        header["error"].as_str().unwrap().contains("nickname"),
        "{header}"
    );
    for (method, path) in [
        (Method::POST, IMPORTS.to_owned()),
        (
            Method::GET,
            format!("{IMPORTS}/{}", empty["id"].as_str().unwrap()),
        ),
        (Method::GET, EXPORT.to_owned()),
    ] {
        app.anon(method, &path)
            .body("{}\n")
            .problem(401, "unauthorized")
            .await;
    }
    app.external(key, Method::GET, &format!("{IMPORTS}/imp_0000000000000000"))
        .problem(404, "import_not_found")
        .await;
}

#[tokio::test]
async fn two_imports_of_one_file_at_once_add_each_user_once() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    app.channel(key, "Website").await;
    app.channel(key, "WhatsApp").await;
    let users: Vec<Value> = (0..300)
        .map(|i| {
            let channel = if i % 2 == 0 { "Website" } else { "WhatsApp" };
            json!({"channel": channel, "externalId": format!("crm-{i:04}"),
                   "identifier": format!("person{}@example.com", i / 2)})
        })
        .collect();
    let body = ndjson(&users);
    let (a, b) = tokio::join!(
        post(&app, key, "on_conflict=skip", body.clone()),
        post(&app, key, "on_conflict=skip", body)
    );
    let sum = |field: &str| a[field].as_i64().unwrap() + b[field].as_i64().unwrap();
    assert_eq!(
        (sum("created"), sum("skipped"), sum("failed")),
        (300, 300, 0),
        "{a} {b}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM external_users").await,
        300
    );
    assert_eq!(total(&app, key, "").await, 300);
    let created = "SELECT count(*) AS n FROM events WHERE type = 'external_user.created'";
    assert_eq!(count(&app, created).await, 300);
    // Each person is one super identity across the two channels, and none is left over.
    let identities = "SELECT count(*) AS n FROM external_super_identities";
    assert_eq!(count(&app, identities).await, 150);
}
