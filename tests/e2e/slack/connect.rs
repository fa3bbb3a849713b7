//! Connect sessions: `users/connect` returns a working `connectUrl`; following it leads to
//! "Sign in with Slack" at the fake Slack, and the callback links that Slack user.

use diesel_async::RunQueryDsl;
use reqwest::{Method, RequestBuilder};
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::fake::CLIENT_ID;
use super::{no_redirects, query_of, state_of, Slack, TEAM};

fn create_session(slack: &Slack, bearer: &str, body: Value) -> RequestBuilder {
    slack
        .req(bearer, Method::POST, "/work-apps/slack/users/connect")
        .json(&body)
}

/// Follows a `connectUrl` (on the test server, which the configured public URL stands
/// for), without following Slack's redirect.
fn follow(slack: &Slack, connect_url: &str) -> RequestBuilder {
    let path = connect_url
        .strip_prefix(&slack.app.config.public_url)
        .unwrap_or_else(|| panic!("{connect_url} is not under the public URL"));
    slack.browser.get(slack.app.url(path))
}

/// Slack's redirect back to Roster, in the browser that followed the `connectUrl`.
fn callback(slack: &Slack, code: &str, state: &str) -> RequestBuilder {
    let query = serde_urlencoded::to_string([("code", code), ("state", state)]).unwrap();
    slack.browser.get(
        slack
            .app
            .url(&format!("/work-apps/slack/connect/callback?{query}")),
    )
}

/// Creates a session for `user` and follows its URL to Slack; returns the state.
async fn start(slack: &Slack, bearer: &str, user_id: &str) -> String {
    let body = create_session(
        slack,
        bearer,
        json!({"userId": user_id, "tenantId": "acme"}),
    )
    .ok()
    .await;
    state_of(
        &follow(slack, body["connectUrl"].as_str().unwrap())
            .redirect()
            .await,
    )
}

#[tokio::test]
async fn connect_url_leads_to_sign_in_with_slack_and_links_that_slack_user() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();

    let reply = create_session(
        &slack,
        &alice_token,
        json!({"userId": alice_id, "tenantId": "acme", "userEmail": "alice@acme.test", "userName": "Alice"}),
    )
    .status(200)
    .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    let connect_url = body["connectUrl"].as_str().unwrap();
    let session_token = body["sessionToken"].as_str().unwrap();
    assert!(session_token.starts_with("rslc_"), "{body}");
    assert!(
        connect_url.starts_with("http://127.0.0.1:8080/work-apps/slack/connect?"),
        "{connect_url}"
    );
    let q = query_of(connect_url);
    assert_eq!(q["tenantId"], slack.app.admin.org_id);
    assert_eq!(q["sessionToken"], session_token);

    // Following it redirects to Slack's OpenID Connect authorize page.
    let location = follow(&slack, connect_url).redirect().await;
    assert!(
        location.starts_with(&format!("{}/openid/connect/authorize?", slack.fake.origin)),
        "{location}"
    );
    let q = query_of(&location);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "openid profile email");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(
        q["redirect_uri"],
        "http://127.0.0.1:8080/work-apps/slack/connect/callback"
    );
    let state = q["state"].clone();

    // A second browser following the same connectUrl gets its own state...
    let other_browser = super::browser();
    let other_state = state_of(
        &other_browser
            .get(
                slack.app.url(
                    connect_url
                        .strip_prefix(&slack.app.config.public_url)
                        .unwrap(),
                ),
            )
            .redirect()
            .await,
    );

    // Only the browser that followed the connectUrl may come back with the state.
    let query =
        serde_urlencoded::to_string([("code", "sign-in-1"), ("state", state.as_str())]).unwrap();
    let p = no_redirects()
        .get(
            slack
                .app
                .url(&format!("/work-apps/slack/connect/callback?{query}")),
        )
        .problem(400, "invalid_oauth_state")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("another browser"),
        "{p}"
    );

    // Slack sends the user back with a code.
    slack.fake.expect_sign_in(
        "sign-in-1",
        TEAM,
        "U0ALICE",
        "Alice Liddell",
        "alice@slack.test",
    );
    let body = callback(&slack, "sign-in-1", &state).ok().await;
    assert_eq!(body["success"], true);
    assert_eq!(body["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(body["slackTeamId"], TEAM);
    assert_eq!(body["slackUserId"], "U0ALICE");
    assert_eq!(body["slackUsername"], "Alice Liddell");
    let linked = slack.linked_users(TEAM).await;
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0]["id"], body["linkId"]);
    assert_eq!(linked[0]["userId"], alice_id);
    assert_eq!(linked[0]["slackEmail"], "alice@slack.test");
    assert_eq!(slack.integration_types(&alice_token).await, ["Slack"]);
    let methods: Vec<String> = slack.fake.calls().into_iter().map(|(m, _)| m).collect();
    assert_eq!(methods, ["openid.connect.token", "openid.connect.userInfo"]);
    let token_call = &slack.fake.calls()[0].1;
    assert_eq!(token_call["code"], "sign-in-1");
    assert_eq!(token_call["redirect_uri"], q["redirect_uri"]);

    // The session was single use.
    follow(&slack, connect_url)
        .problem(400, "connect_session_invalid")
        .await;
    slack
        .fake
        .expect_sign_in("sign-in-2", TEAM, "U0ALICE", "Alice", "alice@slack.test");
    // ...but the session links once: the other browser's sign-in is refused.
    let query =
        serde_urlencoded::to_string([("code", "sign-in-2"), ("state", other_state.as_str())])
            .unwrap();
    other_browser
        .get(
            slack
                .app
                .url(&format!("/work-apps/slack/connect/callback?{query}")),
        )
        .problem(400, "connect_session_invalid")
        .await;
    // Coming back again with the same state: the finished flow dropped its cookie.
    callback(&slack, "sign-in-2", &state)
        .problem(400, "invalid_oauth_state")
        .await;
    assert_eq!(
        slack.fake.calls().len(),
        2,
        "a replayed callback does not spend Slack's code"
    );
}

#[tokio::test]
async fn connect_is_for_yourself_in_your_tenant() {
    let slack = Slack::start().await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, _) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();

    create_session(
        &slack,
        &alice_token,
        json!({"userId": bob["id"], "tenantId": "acme"}),
    )
    .problem(403, "not_your_user")
    .await;
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    create_session(
        &slack,
        &globex.token,
        json!({"userId": globex.user_id, "tenantId": "acme"}),
    )
    .problem(403, "not_a_member")
    .await;
    let p = create_session(
        &slack,
        &alice_token,
        json!({"userId": "alice", "tenantId": "acme", "userEmail": "x"}),
    )
    .problem(400, "validation_failed")
    .await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");
    slack
        .app
        .anon(Method::POST, "/work-apps/slack/users/connect")
        .json(&json!({"userId": alice_id}))
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn bad_expired_or_failed_connects_are_refused() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, bob_token) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    let org = slack.app.admin.org_id.clone();

    // Unknown token, unknown tenant, missing parameter.
    for query in [
        format!("tenantId={org}&sessionToken=rslc_nope"),
        "tenantId=nowhere&sessionToken=rslc_nope".to_owned(),
    ] {
        no_redirects()
            .get(slack.app.url(&format!("/work-apps/slack/connect?{query}")))
            .problem(400, "connect_session_invalid")
            .await;
    }
    let p = slack
        .app
        .anon(Method::GET, "/work-apps/slack/connect?tenantId=acme")
        .problem(400, "validation_failed")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("sessionToken"),
        "{p}"
    );

    // The user declined at Slack, or the state is not ours.
    let state = start(&slack, &alice_token, alice_id).await;
    slack
        .app
        .anon(
            Method::GET,
            &format!("/work-apps/slack/connect/callback?error=access_denied&state={state}"),
        )
        .problem(400, "slack_authorization_denied")
        .await;
    callback(&slack, "x", "forged")
        .problem(400, "invalid_oauth_state")
        .await;

    // Slack user of a workspace this tenant has not installed: 404, session still usable.
    slack.fake.expect_sign_in(
        "elsewhere",
        "T0ELSEWHERE",
        "U0ALICE",
        "Alice",
        "alice@slack.test",
    );
    let p = callback(&slack, "elsewhere", &state)
        .problem(404, "slack_workspace_not_found")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("T0ELSEWHERE"), "{p}");
    // A Slack user linked to someone else: 409.
    slack
        .link(&bob_token, bob["id"].as_str().unwrap(), TEAM, "U0BOB")
        .await;
    slack
        .fake
        .expect_sign_in("bobs", TEAM, "U0BOB", "Bob", "bob@slack.test");
    callback(&slack, "bobs", &state)
        .problem(409, "slack_user_linked")
        .await;
    // Slack refusing the code.
    let p = callback(&slack, "never-issued", &state)
        .problem(400, "slack_refused")
        .await;
    assert_eq!(
        p["detail"],
        "Slack refused openid.connect.token: invalid_code"
    );
    // After all that, the session still links.
    slack
        .fake
        .expect_sign_in("mine", TEAM, "U0ALICE", "Alice", "alice@slack.test");
    let body = callback(&slack, "mine", &state).ok().await;
    assert_eq!(body["slackUserId"].clone(), json!("U0ALICE"));

    // An expired session.
    let body = create_session(
        &slack,
        &alice_token,
        json!({"userId": alice_id, "tenantId": "acme"}),
    )
    .ok()
    .await;
    let mut conn = slack.app.pool.get().await.unwrap();
    diesel::sql_query("UPDATE slack_connect_sessions SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL")
        .execute(&mut conn)
        .await
        .unwrap();
    follow(&slack, body["connectUrl"].as_str().unwrap())
        .problem(400, "connect_session_invalid")
        .await;
}

#[tokio::test]
async fn connect_without_slack_oauth_configured_is_503() {
    let slack = Slack::start_configured(false).await;
    let p = create_session(
        &slack,
        &slack.app.admin.token,
        json!({"userId": slack.app.admin.user_id, "tenantId": "acme"}),
    )
    .problem(503, "unavailable")
    .await;
    assert_eq!(
        p["detail"],
        "Slack OAuth is not configured on this server: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
    );
    // The rest of the family works without OAuth.
    slack
        .admin(Method::GET, "/work-apps/slack/workspaces?tenantId=acme")
        .ok()
        .await;
}
