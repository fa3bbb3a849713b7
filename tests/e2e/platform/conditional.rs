//! Conditional requests on every single resource of the JSON APIs (the operations marked
//! `.conditional()`): a read answers with a strong `ETag` and a 304 to `If-None-Match`;
//! a write with a stale or malformed `If-Match` is a 412 that changes nothing and emits no
//! event; of two writes racing with the same tag exactly one wins. One table of resources,
//! each test over all of them.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, Reply, TestApp};
use serde_json::{json, Value};

/// A resource of one kind, created for the test, and how it is read and written.
struct Resource {
    kind: &'static str,
    path: String,
    /// The workspace API key of the external family; `None`: the App family's admin.
    api_key: Option<String>,
    /// The method that changes it and two different changes.
    change: Option<(Method, Value, Value)>,
    deletable: bool,
}

impl Resource {
    fn request(&self, app: &TestApp, method: Method) -> RequestBuilder {
        match &self.api_key {
            Some(key) => app.external(key, method, &self.path),
            None => app.admin(method, &self.path),
        }
    }

    fn change(&self, app: &TestApp, which: usize, if_match: Option<&str>) -> RequestBuilder {
        let (method, first, second) = self.change.as_ref().expect("a changeable resource");
        let body = if which == 0 { first } else { second };
        let request = self.request(app, method.clone()).json(body);
        match if_match {
            Some(tag) => request.header("if-match", tag),
            None => request,
        }
    }

    async fn read(&self, app: &TestApp) -> Reply {
        self.request(app, Method::GET).status(200).await
    }

    /// The current tag, asserted strong: `"<digits>"`.
    async fn etag(&self, app: &TestApp) -> String {
        tag_of(&self.read(app).await)
    }
}

fn tag_of(reply: &Reply) -> String {
    let tag = reply
        .header("etag")
        .unwrap_or_else(|| panic!("no ETag: {reply}"))
        .to_owned();
    let digits = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
    assert!(
        digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
        "a strong tag: {reply}"
    );
    tag
}

fn id(created: &Value) -> String {
    created["id"].as_str().expect("id").to_owned()
}

/// One resource of every kind.
async fn resources(app: &TestApp) -> Vec<Resource> {
    let admin = |method, path: &str| app.admin(method, path);
    let user = app.create_user("etag@acme.test", "AppMember").await;
    let group = admin(Method::POST, "/api/v1/app/groups")
        .json(&json!({"display_name": "Engineering"}))
        .created()
        .await;
    let project = admin(Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Insights"}))
        .created()
        .await;
    let project = id(&project);
    let artifact = admin(
        Method::POST,
        &format!("/api/v1/app/project/{project}/artifact"),
    )
    .json(&json!({"name": "Summary", "type": "Other"}))
    .created()
    .await;
    let webhook = admin(Method::POST, "/api/v1/app/webhooks")
        .json(&json!({"url": "https://hooks.example.com/roster"}))
        .created()
        .await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let channel = app.channel(key, "Website").await;
    let tier = app.tier(key, "Gold").await;
    let external_group = app.group(key, "Aurora Labs").await;
    // On a channel of its own: the one in the table is deleted, which one in use is not.
    let users_channel = app.channel(key, "Support").await;
    let external_user = app
        .external_create(
            key,
            "/api/v1/external-users",
            json!({"channelId": users_channel, "identifier": "ada@example.com", "name": "Ada"}),
        )
        .await;
    let app_kind =
        |kind, path: String, change: Option<(Method, Value, Value)>, deletable| Resource {
            kind,
            path,
            api_key: None,
            change,
            deletable,
        };
    let renamed = |method: Method, field: &str| {
        Some((
            method,
            json!({ field: "Renamed once" }),
            json!({ field: "Renamed twice" }),
        ))
    };
    let external = |kind, path: String, deletable| Resource {
        kind,
        path,
        api_key: Some(ws.api_key.clone()),
        change: renamed(Method::PATCH, "name"),
        deletable,
    };
    vec![
        app_kind(
            "app user",
            format!("/api/v1/app/user/{}", id(&user)),
            renamed(Method::PUT, "name"),
            true,
        ),
        app_kind(
            "app group",
            format!("/api/v1/app/groups/{}", id(&group)),
            renamed(Method::PATCH, "display_name"),
            true,
        ),
        app_kind(
            "artifact",
            format!("/api/v1/app/project/{project}/artifact/{}", id(&artifact)),
            renamed(Method::PATCH, "name"),
            true,
        ),
        app_kind(
            "project",
            format!("/api/v1/app/project/{project}"),
            renamed(Method::PUT, "name"),
            true,
        ),
        app_kind(
            "webhook",
            format!("/api/v1/app/webhooks/{}", id(&webhook)),
            renamed(Method::PATCH, "description"),
            true,
        ),
        app_kind("app me", "/api/v1/app/me".to_owned(), None, false),
        app_kind(
            "workspace",
            format!("/api/v1/app/workspaces/{}", ws.id),
            None,
            false,
        ),
        external(
            "external user",
            format!("/api/v1/external-users/{}", id(&external_user)),
            false,
        ),
        external("channel", format!("/api/v1/channels/{channel}"), true),
        external("tier", format!("/api/v1/tiers/{tier}"), true),
        external(
            "external user group",
            format!("/api/v1/external-user-groups/{external_group}"),
            true,
        ),
    ]
}

async fn events(app: &TestApp) -> i64 {
    app.sql_count("SELECT count(*) AS n FROM events").await
}

#[tokio::test]
async fn every_single_resource_has_an_etag_and_answers_304_to_if_none_match() {
    let app = TestApp::spawn().await;
    for r in resources(&app).await {
        let first = r.read(&app).await;
        let tag = tag_of(&first);
        assert_eq!(
            r.etag(&app).await,
            tag,
            "{}: a read changes nothing",
            r.kind
        );
        let not_modified = r
            .request(&app, Method::GET)
            .header("if-none-match", &tag)
            .status(304)
            .await;
        assert!(not_modified.text.is_empty(), "{}: {not_modified}", r.kind);
        assert_eq!(
            not_modified.header("etag"),
            Some(tag.as_str()),
            "{}",
            r.kind
        );
        // If-None-Match compares weakly, in a list, and `*` names any current version.
        for header in [format!("W/{tag}"), format!("\"1\", {tag}"), "*".to_owned()] {
            r.request(&app, Method::GET)
                .header("if-none-match", header)
                .status(304)
                .await;
        }
        let other = r
            .request(&app, Method::GET)
            .header("if-none-match", "\"1\"")
            .status(200)
            .await;
        assert_eq!(other.json(), first.json(), "{}", r.kind);
        assert_eq!(tag_of(&other), tag);
    }
    // An import changes as it runs: its reads carry its tag of the moment.
    let import = app
        .admin(Method::POST, "/api/v1/app/user-imports?dry_run=true")
        .header("content-type", "application/x-ndjson")
        .body("{\"email\": \"imp@acme.test\", \"name\": \"Imp\"}\n")
        .status(202)
        .await
        .json();
    let path = format!("/api/v1/app/user-imports/{}", id(&import));
    tag_of(&app.admin(Method::GET, &path).status(200).await);
}

#[tokio::test]
async fn a_stale_or_malformed_if_match_changes_nothing_and_a_current_one_writes() {
    let app = TestApp::spawn().await;
    for r in resources(&app).await.iter().filter(|r| r.change.is_some()) {
        let old = r.etag(&app).await;
        let written = r.change(&app, 0, Some(&old)).status(200).await;
        let new = tag_of(&written);
        assert_ne!(new, old, "{}: a change changes the tag", r.kind);
        let read = r.read(&app).await;
        assert_eq!(
            tag_of(&read),
            new,
            "{}: the write answers the new tag",
            r.kind
        );
        assert_eq!(read.json(), written.json(), "{}", r.kind);

        let before = events(&app).await;
        let weak = format!("W/{new}");
        let unquoted = new.trim_matches('"').to_owned();
        for stale in [
            old.as_str(),
            &weak,
            &unquoted,
            "garbage",
            "\"",
            "",
            "\"1\", \"2\"",
        ] {
            r.change(&app, 1, Some(stale))
                .problem(412, "precondition_failed")
                .await;
        }
        assert_eq!(events(&app).await, before, "{}: no event", r.kind);
        let after = r.read(&app).await;
        assert_eq!(tag_of(&after), new, "{}: nothing changed", r.kind);
        assert_eq!(after.json(), read.json(), "{}", r.kind);

        // A list naming the current tag, `*`, and no If-Match at all: each writes.
        let listed = format!("\"1\", {new}");
        let current = tag_of(&r.change(&app, 1, Some(&listed)).status(200).await);
        let star = tag_of(&r.change(&app, 0, Some("*")).status(200).await);
        let last = tag_of(&r.change(&app, 1, None).status(200).await);
        assert!(
            current != new && star != current && last != star,
            "{}",
            r.kind
        );
        assert_eq!(
            events(&app).await,
            before + 3,
            "{}: one event a write",
            r.kind
        );
    }
}

#[tokio::test]
async fn a_delete_with_a_stale_if_match_deletes_nothing() {
    let app = TestApp::spawn().await;
    for r in resources(&app).await.iter().filter(|r| r.deletable) {
        let old = r.etag(&app).await;
        let current = match &r.change {
            Some(_) => tag_of(&r.change(&app, 0, None).status(200).await),
            None => old.clone(),
        };
        let before = events(&app).await;
        for stale in [old.as_str(), "garbage"] {
            r.request(&app, Method::DELETE)
                .header("if-match", stale)
                .problem(412, "precondition_failed")
                .await;
        }
        assert_eq!(events(&app).await, before, "{}: no event", r.kind);
        assert_eq!(r.etag(&app).await, current, "{}: still there", r.kind);
        r.request(&app, Method::DELETE)
            .header("if-match", &current)
            .no_content()
            .await;
        assert_eq!(events(&app).await, before + 1, "{}", r.kind);
        let gone = r.request(&app, Method::GET).reply().await;
        assert_eq!(gone.status, 404, "{}: {gone}", r.kind);
        // `*` matches an existing resource only.
        let gone = r
            .request(&app, Method::DELETE)
            .header("if-match", "*")
            .reply()
            .await;
        assert_eq!(gone.status, 404, "{}: {gone}", r.kind);
    }
}

#[tokio::test]
async fn of_two_writes_racing_with_the_same_tag_exactly_one_wins() {
    let app = TestApp::spawn().await;
    for r in resources(&app).await.iter().filter(|r| r.change.is_some()) {
        let tag = r.etag(&app).await;
        let before = events(&app).await;
        let (a, b) = tokio::join!(
            r.change(&app, 0, Some(&tag)).reply(),
            r.change(&app, 1, Some(&tag)).reply()
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "{}: {a} / {b}", r.kind);
        let winner = if a.status == 200 { a } else { b };
        assert_eq!(r.read(&app).await.json(), winner.json(), "{}", r.kind);
        assert_eq!(events(&app).await, before + 1, "{}: one event", r.kind);
    }
}
