//! A fake Slack: a real HTTP server on loopback serving the Web API methods Roster calls
//! (`oauth.v2.access`, `openid.connect.token`, `openid.connect.userInfo`). Tests tell it
//! which authorization codes to accept and what each one stands for, and read back what
//! Roster sent it.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Mutex;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};

pub const CLIENT_ID: &str = "1111.2222";
pub const CLIENT_SECRET: &str = "fake-client-secret-3333";

#[derive(Default)]
struct State {
    /// install code -> the `oauth.v2.access` answer
    installs: Mutex<HashMap<String, Value>>,
    /// sign-in code -> the `openid.connect.userInfo` answer
    sign_ins: Mutex<HashMap<String, Value>>,
    /// access token handed out -> the `openid.connect.userInfo` answer
    access_tokens: Mutex<HashMap<String, Value>>,
    /// (method, form) of every call, in order
    calls: Mutex<Vec<(String, HashMap<String, String>)>>,
}

pub struct FakeSlack {
    /// `http://127.0.0.1:<port>`: its OAuth pages' origin.
    pub origin: String,
    state: web::Data<State>,
    handle: ServerHandle,
}

impl Drop for FakeSlack {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl FakeSlack {
    pub fn start() -> Self {
        let state = web::Data::new(State::default());
        let data = state.clone();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/api/oauth.v2.access", web::post().to(oauth_v2_access))
                .route("/api/openid.connect.token", web::post().to(openid_token))
                .route("/api/openid.connect.userInfo", web::post().to(user_info))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            origin: format!("http://127.0.0.1:{port}"),
            state,
            handle,
        }
    }

    /// What to configure as `SLACK_API_BASE_URL`.
    pub fn api_base_url(&self) -> String {
        format!("{}/api", self.origin)
    }

    /// Accepts `code` once for an install of this team with this bot token.
    pub fn expect_install(&self, code: &str, team_id: &str, team_name: &str, bot_token: &str) {
        self.state.installs.lock().unwrap().insert(
            code.to_owned(),
            json!({
                "ok": true,
                "app_id": "A0FAKE",
                "access_token": bot_token,
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": "U0BOT",
                "team": {"id": team_id, "name": team_name},
                "enterprise": null,
                "authed_user": {"id": "U0INSTALLER"},
                "is_enterprise_install": false,
            }),
        );
    }

    /// Accepts `code` once for a "Sign in with Slack" of this Slack user.
    pub fn expect_sign_in(
        &self,
        code: &str,
        team_id: &str,
        user_id: &str,
        name: &str,
        email: &str,
    ) {
        self.state.sign_ins.lock().unwrap().insert(
            code.to_owned(),
            json!({
                "ok": true,
                "sub": user_id,
                "https://slack.com/user_id": user_id,
                "https://slack.com/team_id": team_id,
                "https://slack.com/team_name": "Fake Team",
                "email": email,
                "email_verified": true,
                "name": name,
            }),
        );
    }

    /// The Web API methods called so far, with their form fields.
    pub fn calls(&self) -> Vec<(String, HashMap<String, String>)> {
        self.state.calls.lock().unwrap().clone()
    }
}

fn record(state: &State, method: &str, form: &HashMap<String, String>) {
    state
        .calls
        .lock()
        .unwrap()
        .push((method.to_owned(), form.clone()));
}

fn client_ok(form: &HashMap<String, String>) -> bool {
    form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

async fn oauth_v2_access(
    state: web::Data<State>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    record(&state, "oauth.v2.access", &form);
    if !client_ok(&form) {
        return HttpResponse::Ok().json(json!({"ok": false, "error": "invalid_client_id"}));
    }
    let code = form.get("code").cloned().unwrap_or_default();
    match state.installs.lock().unwrap().remove(&code) {
        Some(answer) => HttpResponse::Ok().json(answer),
        None => HttpResponse::Ok().json(json!({"ok": false, "error": "invalid_code"})),
    }
}

async fn openid_token(
    state: web::Data<State>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    record(&state, "openid.connect.token", &form);
    if !client_ok(&form) || form.get("grant_type").map(String::as_str) != Some("authorization_code")
    {
        return HttpResponse::Ok().json(json!({"ok": false, "error": "invalid_client_id"}));
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(identity) = state.sign_ins.lock().unwrap().remove(&code) else {
        return HttpResponse::Ok().json(json!({"ok": false, "error": "invalid_code"}));
    };
    let access_token = format!("xoxp-fake-{code}");
    state
        .access_tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), identity);
    HttpResponse::Ok().json(json!({
        "ok": true,
        "access_token": access_token,
        "token_type": "Bearer",
        "id_token": "eyJhbGciOiJub25lIn0.e30.",
    }))
}

async fn user_info(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let mut form = HashMap::new();
    form.insert("authorization".to_owned(), bearer.clone());
    record(&state, "openid.connect.userInfo", &form);
    match state.access_tokens.lock().unwrap().get(&bearer) {
        Some(identity) => HttpResponse::Ok().json(identity.clone()),
        None => HttpResponse::Ok().json(json!({"ok": false, "error": "invalid_auth"})),
    }
}
