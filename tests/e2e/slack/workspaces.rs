//! Slack workspaces: install by OAuth (with a sealed bot token), registration by hand,
//! listing, uninstalling, and a workspace's linked users, across tenants.

use std::collections::HashMap;

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{json, problem, TestApp, TEST_SECRET};
use roster_identity::OrgId;
use roster_slack::oauth_state::{self, Flow};
use roster_slack::sealed::BotTokenKey;
use roster_slack::TeamId;
use serde_json::{json, Value};

use super::fake::CLIENT_ID;
use super::{no_redirects, now, Slack, TEAM};

const BOT_TOKEN: &str = "xoxb-1234-5678-very-secret-bot-token";

fn query_of(location: &str) -> HashMap<String, String> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    serde_urlencoded::from_str(query).unwrap()
}

/// Starts an install as `bearer` and returns the redirect's Location.
async fn start_install(slack: &Slack, bearer: &str) -> String {
    let res = slack
        .browser
        .get(slack.app.url("/work-apps/slack/install?tenantId=acme"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("roster_slack_oauth="), "{cookie}");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/work-apps/slack",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Slack's redirect back to Roster, in the browser that started the install.
async fn oauth_redirect(slack: &Slack, query: &str) -> reqwest::Response {
    slack
        .browser
        .get(
            slack
                .app
                .url(&format!("/work-apps/slack/oauth_redirect?{query}")),
        )
        .send()
        .await
        .unwrap()
}

#[derive(QueryableByName)]
struct Sealed {
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    bot_token_sealed: Vec<u8>,
}

#[tokio::test]
async fn installing_by_oauth_records_the_team_with_a_sealed_bot_token() {
    let slack = Slack::start().await;
    let location = start_install(&slack, &slack.app.admin.token).await;
    assert!(
        location.starts_with(&format!("{}/oauth/v2/authorize?", slack.fake.origin)),
        "{location}"
    );
    let q = query_of(&location);
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["scope"], "commands,chat:write");
    assert_eq!(
        q["redirect_uri"],
        "http://127.0.0.1:8080/work-apps/slack/oauth_redirect"
    );
    let state = q["state"].clone();

    // The state only works in the browser that started the install.
    let res = no_redirects()
        .get(slack.app.url(&format!(
            "/work-apps/slack/oauth_redirect?code=install-code-1&state={state}"
        )))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400, "invalid_oauth_state").await;
    assert!(
        p["detail"].as_str().unwrap().contains("another browser"),
        "{p}"
    );
    assert!(slack.fake.calls().is_empty(), "no code was spent");

    // Slack sends the admin back with a code, which Roster exchanges.
    slack
        .fake
        .expect_install("install-code-1", "T0OAUTH", "Oauth Team", BOT_TOKEN);
    let query =
        serde_urlencoded::to_string([("code", "install-code-1"), ("state", state.as_str())])
            .unwrap();
    let (status, body) = json(oauth_redirect(&slack, &query).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["teamId"], "T0OAUTH");
    assert_eq!(body["teamName"], "Oauth Team");
    assert_eq!(body["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(body["hasBotToken"], true);
    assert_eq!(body["botUserId"], "U0BOT");
    assert!(body["enterpriseId"].is_null());
    assert!(!body.to_string().contains(BOT_TOKEN), "{body}");
    let calls = slack.fake.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "oauth.v2.access");
    assert_eq!(calls[0].1["code"], "install-code-1");
    assert_eq!(calls[0].1["redirect_uri"], q["redirect_uri"]);

    // The stored bytes are not the token, and open with the key derived from ROSTER_SECRET.
    let mut conn = slack.app.pool.get().await.unwrap();
    let row: Sealed = diesel::sql_query(
        "SELECT bot_token_sealed FROM slack_workspaces WHERE team_id = 'T0OAUTH'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert!(!row
        .bot_token_sealed
        .windows(BOT_TOKEN.len())
        .any(|w| w == BOT_TOKEN.as_bytes()));
    assert!(!row
        .bot_token_sealed
        .windows(12)
        .any(|w| w == b"secret-bot-t"));
    let org = OrgId::parse(&slack.app.admin.org_id).unwrap();
    let team = TeamId::parse("T0OAUTH").unwrap();
    let opened = roster_slack::workspaces::bot_token(
        &mut conn,
        &BotTokenKey::derive(TEST_SECRET),
        &org,
        &team,
    )
    .await
    .unwrap();
    assert_eq!(opened.as_deref(), Some(BOT_TOKEN));

    // The workspace is listed and its users can link.
    let (status, list) = json(
        slack
            .admin(Method::GET, "/work-apps/slack/workspaces?tenantId=acme")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["workspaces"].as_array().unwrap().len(), 1);
    assert_eq!(list["workspaces"][0]["teamId"], "T0OAUTH");
    slack.link_token("T0OAUTH", "U0ALICE", "alice").await;

    // Installing again refreshes the bot token.
    let location = start_install(&slack, &slack.app.admin.token).await;
    slack.fake.expect_install(
        "install-code-2",
        "T0OAUTH",
        "Renamed Team",
        "xoxb-new-token",
    );
    let state = query_of(&location)["state"].clone();
    let query =
        serde_urlencoded::to_string([("code", "install-code-2"), ("state", state.as_str())])
            .unwrap();
    let (status, body) = json(oauth_redirect(&slack, &query).await).await;
    assert_eq!(
        (status, body["teamName"].clone()),
        (200, json!("Renamed Team"))
    );
    let opened = roster_slack::workspaces::bot_token(
        &mut conn,
        &BotTokenKey::derive(TEST_SECRET),
        &org,
        &team,
    )
    .await
    .unwrap();
    assert_eq!(opened.as_deref(), Some("xoxb-new-token"));
}

#[tokio::test]
async fn oauth_redirect_refuses_bad_states_codes_and_taken_teams() {
    let slack = Slack::start().await;
    let location = start_install(&slack, &slack.app.admin.token).await;
    let state = query_of(&location)["state"].clone();

    let p = problem(
        oauth_redirect(&slack, "code=x&state=forged.state.value").await,
        400,
        "invalid_oauth_state",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("start again"), "{p}");
    let p = problem(
        oauth_redirect(&slack, &format!("code=nope&state={state}")).await,
        400,
        "slack_refused",
    )
    .await;
    assert_eq!(p["detail"], "Slack refused oauth.v2.access: invalid_code");
    let p = problem(
        oauth_redirect(&slack, &format!("error=access_denied&state={state}")).await,
        400,
        "slack_authorization_denied",
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap().contains("access_denied"),
        "{p}"
    );
    problem(
        oauth_redirect(&slack, &format!("state={state}")).await,
        400,
        "validation_failed",
    )
    .await;

    // A state of the other flow, or an expired one.
    let key = oauth_state::key(TEST_SECRET);
    let org = OrgId::parse(&slack.app.admin.org_id).unwrap();
    let connect_state = oauth_state::issue(
        &key,
        Flow::Connect,
        &org,
        "sconn_0000000000000000",
        now(),
        600,
    )
    .state;
    problem(
        oauth_redirect(&slack, &format!("code=x&state={connect_state}")).await,
        400,
        "invalid_oauth_state",
    )
    .await;
    let old = oauth_state::issue(
        &key,
        Flow::Install,
        &org,
        &slack.app.admin.user_id,
        now() - 3600,
        600,
    )
    .state;
    let p = problem(
        oauth_redirect(&slack, &format!("code=x&state={old}")).await,
        400,
        "invalid_oauth_state",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");

    // A team that belongs to another tenant is a 409, once a signed request from the
    // team confirmed it (an unconfirmed registration gives way: see security::).
    slack.register(TEAM, "Acme").await;
    assert_eq!(
        slack
            .command(TEAM, "U0ALICE", "alice", "help")
            .await
            .status(),
        200
    );
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let res = slack
        .browser
        .get(slack.app.url("/work-apps/slack/install?tenantId=globex"))
        .bearer_auth(&globex.token)
        .send()
        .await
        .unwrap();
    let globex_state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
    slack
        .fake
        .expect_install("steal", TEAM, "Acme", "xoxb-stolen");
    let p = problem(
        oauth_redirect(&slack, &format!("code=steal&state={globex_state}")).await,
        409,
        "slack_team_taken",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "teamId", "{p}");
    let (_, list) = json(
        slack
            .req(
                &globex.token,
                Method::GET,
                "/work-apps/slack/workspaces?tenantId=globex",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list, json!({"workspaces": []}));
}

#[tokio::test]
async fn install_needs_an_admin_and_oauth_settings() {
    let slack = Slack::start().await;
    let (_, member) = slack
        .app
        .user_with_token("member@acme.test", "AppMember")
        .await;
    let res = slack
        .req(
            &member,
            Method::GET,
            "/work-apps/slack/install?tenantId=acme",
        )
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
    let res = slack
        .app
        .anon(Method::GET, "/work-apps/slack/install?tenantId=acme")
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    let bare = TestApp::spawn().await;
    let res = bare
        .anon(Method::GET, "/work-apps/slack/install?tenantId=acme")
        .bearer_auth(&bare.admin.token)
        .send()
        .await
        .unwrap();
    let p = problem(res, 503, "unavailable").await;
    assert!(
        p["detail"].as_str().unwrap().contains("SLACK_CLIENT_ID"),
        "{p}"
    );
}

#[tokio::test]
async fn workspaces_are_registered_listed_and_uninstalled_per_tenant() {
    let slack = Slack::start().await;
    let body = slack.register(TEAM, "Acme").await;
    assert_eq!(body["teamId"], TEAM);
    assert_eq!(body["teamName"], "Acme");
    assert_eq!(body["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(body["hasBotToken"], false);
    assert!(
        body["botUserId"].is_null() && body["enterpriseId"].is_null(),
        "{body}"
    );
    assert!(body["installedAt"].as_str().unwrap().ends_with('Z'));

    let register = |bearer: &str, body: Value| {
        slack
            .req(bearer, Method::POST, "/work-apps/slack/workspaces")
            .json(&body)
            .send()
    };
    let admin = slack.app.admin.token.clone();
    let p = problem(
        register(
            &admin,
            json!({"teamId": TEAM, "teamName": "Again", "tenantId": "acme"}),
        )
        .await
        .unwrap(),
        409,
        "slack_team_taken",
    )
    .await;
    assert_eq!(
        p["detail"],
        "this Slack workspace is already connected to a tenant"
    );
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    problem(
        register(
            &globex.token,
            json!({"teamId": TEAM, "teamName": "Mine", "tenantId": "globex"}),
        )
        .await
        .unwrap(),
        409,
        "slack_team_taken",
    )
    .await;
    let (_, member) = slack
        .app
        .user_with_token("member@acme.test", "AppMember")
        .await;
    problem(
        register(
            &member,
            json!({"teamId": "T0OTHER", "teamName": "Other", "tenantId": "acme"}),
        )
        .await
        .unwrap(),
        403,
        "admin_required",
    )
    .await;
    problem(
        register(
            &globex.token,
            json!({"teamId": "T0OTHER", "teamName": "Other", "tenantId": "acme"}),
        )
        .await
        .unwrap(),
        403,
        "not_a_member",
    )
    .await;
    let p = problem(
        register(
            &admin,
            json!({"teamId": "t0lower", "teamName": " ", "tenantId": "acme", "enterpriseId": "X"}),
        )
        .await
        .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["teamId", "teamName", "enterpriseId"], "{p}");
    let body = slack.register("T0GRID", "Grid").await;
    assert_eq!(body["teamId"], "T0GRID");

    let (status, list) = json(
        slack
            .req(
                &member,
                Method::GET,
                "/work-apps/slack/workspaces?tenantId=acme",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let teams: Vec<&str> = list["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["teamId"].as_str().unwrap())
        .collect();
    assert_eq!(teams, [TEAM, "T0GRID"]);
    let (_, list) = json(
        slack
            .req(
                &globex.token,
                Method::GET,
                "/work-apps/slack/workspaces?tenantId=globex",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list, json!({"workspaces": []}));

    // Uninstalling takes the links (and the Slack integration) with it.
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;
    let path = format!("/work-apps/slack/workspaces/{TEAM}");
    let res = slack
        .req(
            &globex.token,
            Method::DELETE,
            &format!("{path}?tenantId=globex"),
        )
        .send()
        .await
        .unwrap();
    problem(res, 404, "slack_workspace_not_found").await;
    let res = slack
        .req(&member, Method::DELETE, &format!("{path}?tenantId=acme"))
        .send()
        .await
        .unwrap();
    problem(res, 403, "admin_required").await;
    let res = slack
        .admin(
            Method::DELETE,
            "/work-apps/slack/workspaces/nope?tenantId=acme",
        )
        .send()
        .await
        .unwrap();
    problem(res, 404, "slack_workspace_not_found").await;
    let res = slack
        .admin(Method::DELETE, &format!("{path}?tenantId=acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(slack.integration_types(&alice_token).await.is_empty());
    let res = slack
        .admin(Method::DELETE, &format!("{path}?tenantId=acme"))
        .send()
        .await
        .unwrap();
    problem(res, 404, "slack_workspace_not_found").await;
    let res = slack
        .admin(Method::PUT, &format!("{path}?tenantId=acme"))
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;

    // The team is free again: another tenant may take it.
    let res = register(
        &globex.token,
        json!({"teamId": TEAM, "teamName": "Now Globex's", "tenantId": "globex"}),
    )
    .await
    .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(
        (status, body["tenantId"].clone()),
        (201, json!(globex.org_id))
    );
    let (status, body) = json(slack.command(TEAM, "U0ALICE", "alice", "status").await).await;
    assert_eq!(status, 200);
    assert!(
        body["text"].as_str().unwrap().contains("not linked"),
        "{body}"
    );
}

#[tokio::test]
async fn a_workspaces_users_are_for_its_own_tenant() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;

    let users = |bearer: &str, team: &str| {
        slack
            .req(
                bearer,
                Method::GET,
                &format!("/work-apps/slack/workspaces/{team}/users"),
            )
            .send()
    };
    let (status, body) = json(users(&alice_token, TEAM).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body["linkedUsers"].as_array().unwrap().len(), 1);
    assert_eq!(body["linkedUsers"][0]["userId"], alice["id"]);

    problem(
        users(&alice_token, "T0UNKNOWN").await.unwrap(),
        404,
        "slack_workspace_not_found",
    )
    .await;
    let p = problem(
        users(&alice_token, "acme").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "teamId", "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("^T[A-Z0-9]+$"),
        "{p}"
    );
    problem(
        users(&alice_token, "T0acme").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;

    // Another tenant's admin cannot tell it from an unknown workspace.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let p = problem(
        users(&globex.token, TEAM).await.unwrap(),
        404,
        "slack_workspace_not_found",
    )
    .await;
    assert_eq!(p["detail"], "slack_workspace not found");
    problem(
        slack
            .app
            .anon(
                Method::GET,
                &format!("/work-apps/slack/workspaces/{TEAM}/users"),
            )
            .send()
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn an_unreachable_slack_is_503() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(|config| {
        config.slack.api_base_url = format!("http://127.0.0.1:{closed_port}/api");
        config.slack.client_id = Some(CLIENT_ID.into());
        config.slack.client_secret = Some(roster_gateway::config::Secret(b"s".to_vec()));
    })
    .await;
    let browser = super::browser();
    let res = browser
        .get(app.url("/work-apps/slack/install?tenantId=acme"))
        .bearer_auth(&app.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let state = query_of(res.headers()["location"].to_str().unwrap())["state"].clone();
    let res = browser
        .get(app.url(&format!(
            "/work-apps/slack/oauth_redirect?code=c&state={state}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["retry-after"], "2");
    let p = problem(res, 503, "unavailable").await;
    assert_eq!(
        p["detail"],
        "Slack could not be reached (oauth.v2.access); retry shortly"
    );
}
