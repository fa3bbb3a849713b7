//! Installing Slack workspaces by OAuth: the team recorded with a sealed bot token, the
//! redirect's refusals, who may install, and a Slack that cannot be reached.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp, TEST_SECRET};
use roster_identity::OrgId;
use roster_slack::oauth_state::{self, Flow};
use roster_slack::sealed::BotTokenKey;
use roster_slack::TeamId;
use serde_json::json;

use super::fake::CLIENT_ID;
use super::{no_redirects, now, query_of, state_of, Slack, TEAM};

const BOT_TOKEN: &str = "xoxb-1234-5678-very-secret-bot-token";

/// Starts an install as `bearer` and returns the redirect's Location.
async fn start_install(slack: &Slack, bearer: &str) -> String {
    let reply = slack
        .browser
        .get(slack.app.url("/work-apps/slack/install?tenantId=acme"))
        .bearer_auth(bearer)
        .status(302)
        .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.starts_with("roster_slack_oauth="), "{cookie}");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/work-apps/slack",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    reply.header("location").unwrap().to_owned()
}

/// Slack's redirect back to Roster, in the browser that started the install.
fn oauth_redirect(slack: &Slack, query: &str) -> RequestBuilder {
    slack.browser.get(
        slack
            .app
            .url(&format!("/work-apps/slack/oauth_redirect?{query}")),
    )
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
    let p = no_redirects()
        .get(slack.app.url(&format!(
            "/work-apps/slack/oauth_redirect?code=install-code-1&state={state}"
        )))
        .problem(400, "invalid_oauth_state")
        .await;
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
    let body = oauth_redirect(&slack, &query).ok().await;
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
    let list = slack
        .admin(Method::GET, "/work-apps/slack/workspaces?tenantId=acme")
        .ok()
        .await;
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
    let body = oauth_redirect(&slack, &query).ok().await;
    assert_eq!(body["teamName"].clone(), json!("Renamed Team"));
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

    let p = oauth_redirect(&slack, "code=x&state=forged.state.value")
        .problem(400, "invalid_oauth_state")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("start again"), "{p}");
    let p = oauth_redirect(&slack, &format!("code=nope&state={state}"))
        .problem(400, "slack_refused")
        .await;
    assert_eq!(p["detail"], "Slack refused oauth.v2.access: invalid_code");
    let p = oauth_redirect(&slack, &format!("error=access_denied&state={state}"))
        .problem(400, "slack_authorization_denied")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("access_denied"),
        "{p}"
    );
    oauth_redirect(&slack, &format!("state={state}"))
        .problem(400, "validation_failed")
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
    oauth_redirect(&slack, &format!("code=x&state={connect_state}"))
        .problem(400, "invalid_oauth_state")
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
    let p = oauth_redirect(&slack, &format!("code=x&state={old}"))
        .problem(400, "invalid_oauth_state")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");

    // A team that belongs to another tenant is a 409, once a signed request from the
    // team confirmed it (an unconfirmed registration gives way: see security::).
    slack.register(TEAM, "Acme").await;
    slack
        .command(TEAM, "U0ALICE", "alice", "help")
        .status(200)
        .await;
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let globex_state = state_of(
        &slack
            .browser
            .get(slack.app.url("/work-apps/slack/install?tenantId=globex"))
            .bearer_auth(&globex.token)
            .redirect()
            .await,
    );
    slack
        .fake
        .expect_install("steal", TEAM, "Acme", "xoxb-stolen");
    let p = oauth_redirect(&slack, &format!("code=steal&state={globex_state}"))
        .problem(409, "slack_team_taken")
        .await;
    assert_eq!(p["errors"][0]["field"], "teamId", "{p}");
    let list = slack
        .req(
            &globex.token,
            Method::GET,
            "/work-apps/slack/workspaces?tenantId=globex",
        )
        .ok()
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
    slack
        .req(
            &member,
            Method::GET,
            "/work-apps/slack/install?tenantId=acme",
        )
        .problem(403, "admin_required")
        .await;
    slack
        .app
        .anon(Method::GET, "/work-apps/slack/install?tenantId=acme")
        .problem(401, "unauthorized")
        .await;

    let bare = TestApp::spawn().await;
    let p = bare
        .anon(Method::GET, "/work-apps/slack/install?tenantId=acme")
        .bearer_auth(&bare.admin.token)
        .problem(503, "unavailable")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("SLACK_CLIENT_ID"),
        "{p}"
    );
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
    let state = state_of(
        &browser
            .get(app.url("/work-apps/slack/install?tenantId=acme"))
            .bearer_auth(&app.admin.token)
            .redirect()
            .await,
    );
    let reply = browser
        .get(app.url(&format!(
            "/work-apps/slack/oauth_redirect?code=c&state={state}"
        )))
        .reply()
        .await;
    assert_eq!(reply.header("retry-after"), Some("2"));
    let p = reply.problem(503, "unavailable");
    assert_eq!(
        p["detail"],
        "Slack could not be reached (oauth.v2.access); retry shortly"
    );
}
