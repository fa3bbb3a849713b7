//! `POST /api/v1/app/user-imports` and what follows it: the import's state and counts,
//! its refused lines, the export, who may do it, and the import a restart cut off.

use std::time::{Duration, Instant};

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{post_import as post, IMPORTS};

fn ndjson(users: &[Value]) -> String {
    users.iter().map(|u| format!("{u}\n")).collect()
}

#[tokio::test]
async fn an_import_answers_its_counts_and_shows_its_errors_and_the_export() {
    let app = TestApp::spawn().await;
    let body = ndjson(&[
        json!({"email": "ada@acme.test", "name": "Ada Lovelace"}),
        json!({"email": "grace@acme.test", "role": "Owner"}),
        json!({"email": "admin@acme.test"}),
        json!({"email": "bad hash@acme.test", "password_hash": "$2b$04$nope"}),
    ]) + "{\"email\":";
    let done = post(&app, "", body).await;
    assert_eq!(done["state"], "completed", "{done}");
    assert_eq!(
        (
            &done["read"],
            &done["created"],
            &done["failed"],
            &done["skipped"]
        ),
        (&json!(5), &json!(1), &json!(4), &json!(0))
    );
    let id = done["id"].as_str().unwrap();
    let shown = app
        .admin(Method::GET, &format!("{IMPORTS}/{id}"))
        .ok()
        .await;
    assert_eq!(shown, done);
    let errors = app
        .admin(Method::GET, &format!("{IMPORTS}/{id}/errors"))
        .status(200)
        .await;
    assert_eq!(errors.header("content-type"), Some("application/x-ndjson"));
    let codes: Vec<(i64, String)> = errors
        .text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (2, "unknown_role"),
            (3, "email_taken"),
            (4, "validation_failed"),
            (5, "malformed_line")
        ]
        .map(|(l, c)| (l, c.to_owned()))
    );
    assert!(!errors.text.contains("$2b$04$nope"));
    let emails: Vec<String> = super::exported(&app)
        .await
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails, ["admin@acme.test", "ada@acme.test"]);
    let events = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE type = 'import.completed' AND target_id = '{id}' \
             AND (data->>'created')::int = 1 AND (data->>'failed')::int = 4"
        ))
        .await;
    assert_eq!(events, 1);
}

#[tokio::test]
async fn a_dry_run_csv_writes_nothing_and_skip_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let csv = "email,name,role\nada@acme.test,Ada,AppAdmin\ngrace@acme.test,Grace,AppMember\n";
    let dry = post(&app, "format=csv&dry_run=true", csv.into()).await;
    assert_eq!(
        (&dry["created"], &dry["dry_run"]),
        (&json!(2), &json!(true))
    );
    let users = "SELECT count(*) AS n FROM users";
    assert_eq!(app.sql_count(users).await, 1);
    post(&app, "format=csv&on_conflict=skip", csv.into()).await;
    let events = "SELECT count(*) AS n FROM events WHERE type LIKE 'user.%'";
    let before = app.sql_count(events).await;
    let again = post(&app, "format=csv&on_conflict=skip", csv.into()).await;
    assert_eq!(
        (&again["created"], &again["skipped"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(
        (app.sql_count(users).await, app.sql_count(events).await),
        (3, before)
    );
}

#[tokio::test]
async fn only_an_admin_of_the_org_sees_its_imports_and_bad_requests_are_refused() {
    let app = TestApp::spawn().await;
    let done = post(&app, "", ndjson(&[json!({"email": "ada@acme.test"})])).await;
    let id = done["id"].as_str().unwrap();
    let (_, member) = app.user_with_token("member@acme.test", "AppMember").await;
    for (method, path) in [
        (Method::POST, IMPORTS.to_owned()),
        (Method::GET, format!("{IMPORTS}/{id}")),
        (Method::GET, format!("{IMPORTS}/{id}/errors")),
        (Method::GET, "/api/v1/app/user-export".to_owned()),
    ] {
        app.as_user(&member, "acme", method, &path)
            .body("{}\n")
            .problem(403, "admin_required")
            .await;
    }
    let other = app.bootstrap("globex", "admin@globex.test").await;
    for path in [
        format!("{IMPORTS}/{id}"),
        format!("{IMPORTS}/{id}/errors"),
        format!("{IMPORTS}/imp_0000000000000000"),
        format!("{IMPORTS}/nope"),
    ] {
        app.as_user(&other.token, "globex", Method::GET, &path)
            .problem(404, "import_not_found")
            .await;
    }
    for query in [
        "format=xml",
        "on_conflict=maybe",
        "dry_run=perhaps",
        "colour=blue",
    ] {
        app.admin(Method::POST, &format!("{IMPORTS}?{query}"))
            .body("{}\n")
            .problem(400, "validation_failed")
            .await;
    }
    let csv = post(&app, "format=csv", "email,nickname\nx@acme.test,x\n".into()).await;
    assert_eq!(csv["state"], "failed");
    assert!(csv["error"].as_str().unwrap().contains("nickname"), "{csv}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = TestApp::spawn_with(|c| c.import_max_bytes = 64).await;
    let body = ndjson(&[
        json!({"email": "ada@acme.test"}),
        json!({"email": "grace@acme.test"}),
        json!({"email": "alan@acme.test"}),
    ]);
    app.admin(Method::POST, IMPORTS)
        .body(body.clone())
        .problem(413, "payload_too_large")
        .await;
    let chunks = futures_util::stream::iter(
        body.into_bytes()
            .chunks(16)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    app.admin(Method::POST, IMPORTS)
        .body(reqwest::Body::wrap_stream(chunks))
        .problem(413, "payload_too_large")
        .await;
}

#[tokio::test]
async fn an_import_a_restart_cut_off_shows_as_interrupted() {
    let app = TestApp::spawn().await;
    let done = post(&app, "", ndjson(&[json!({"email": "ada@acme.test"})])).await;
    let id = done["id"].as_str().unwrap();
    // As a gateway that died mid-import leaves it: running, and no process holding it.
    app.sql(&format!(
        "UPDATE user_imports SET state = 'running' WHERE id = '{id}'"
    ))
    .await;
    let _restarted = app.replica();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = app
            .admin(Method::GET, &format!("{IMPORTS}/{id}"))
            .ok()
            .await;
        if shown["state"] == "interrupted" {
            assert_eq!(shown["created"], 1);
            break;
        }
        assert!(Instant::now() < deadline, "still {shown}");
        tokio::task::yield_now().await;
    }
}

/// A body that sends `lines` one every `every`, then (unless `stall`) ends.
fn paced(lines: Vec<String>, every: Duration, stall: bool) -> reqwest::Body {
    let chunks = futures_util::stream::unfold(
        (lines.into_iter(), tokio::time::interval(every)),
        move |(mut lines, mut tick)| async move {
            tick.tick().await;
            match lines.next() {
                Some(line) => Some((Ok::<_, std::io::Error>(line), (lines, tick))),
                None if stall => {
                    std::future::pending::<()>().await;
                    None
                }
                None => None,
            }
        },
    );
    reqwest::Body::wrap_stream(chunks)
}

#[tokio::test]
async fn a_steady_upload_outlasts_the_body_deadline_and_a_stalled_one_is_cut() {
    let app = TestApp::spawn_with(|c| c.body_timeout_ms = 600).await;
    let lines: Vec<String> = (0..8)
        .map(|i| format!("{}\n", json!({"email": format!("u{i}@acme.test")})))
        .collect();
    // 8 chunks 200 ms apart: 1.6 s in all, past the 600 ms deadline of a whole body.
    let started = Instant::now();
    let done = app
        .admin(Method::POST, IMPORTS)
        .body(paced(lines.clone(), Duration::from_millis(200), false))
        .status(202)
        .await
        .json();
    assert!(started.elapsed() > Duration::from_millis(600));
    assert_eq!(
        (&done["state"], &done["created"]),
        (&json!("completed"), &json!(8))
    );
    app.admin(Method::POST, &format!("{IMPORTS}?on_conflict=skip"))
        .body(paced(lines[..2].to_vec(), Duration::from_millis(10), true))
        .problem(408, "request_timeout")
        .await;
    let failed = app
        .sql_count(
            "SELECT count(*) AS n FROM user_imports WHERE state = 'failed' AND skipped = 0 \
             AND error IS NOT NULL",
        )
        .await;
    assert_eq!(failed, 1);
}

/// A NUL in a file (PostgreSQL keeps none in text) is a refused line or a refused file,
/// recorded with U+FFFD in its place: never a 500. Found by the fuzzing.
#[tokio::test]
async fn a_nul_in_the_file_is_refused_and_recorded_never_a_500() {
    let app = TestApp::spawn().await;
    for format in ["csv", "ndjson"] {
        let done = post(&app, &format!("format={format}"), "¥\0Ï\n".to_owned()).await;
        assert!(
            done["state"] == "completed" || done["state"] == "failed",
            "{format}: {done}"
        );
        assert_eq!(done["created"], 0, "{format}: {done}");
        let id = done["id"].as_str().unwrap();
        let shown = app
            .admin(Method::GET, &format!("{IMPORTS}/{id}"))
            .ok()
            .await;
        assert!(!shown.to_string().contains("\\u0000"), "{shown}");
        let errors = app
            .admin(Method::GET, &format!("{IMPORTS}/{id}/errors"))
            .status(200)
            .await;
        assert!(!errors.text.contains('\0'), "{format}: {}", errors.text);
    }
}
