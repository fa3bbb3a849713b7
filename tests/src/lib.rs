//! The end-to-end harness: each test gets its own database, cloned from a migrated
//! template, and its own gateway on a free loopback port, reached over real HTTP.

// A test harness should fail loudly and at once: panicking is its way of reporting.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::net::TcpListener;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::Rng;
use reqwest::{Method, RequestBuilder};
use roster_core::db::Pool;
use roster_core::text::{Email, Slug};
use roster_gateway::config::Config;
use serde_json::Value;
use tokio::sync::OnceCell;

pub mod cluster;

pub const TEST_SECRET: &[u8] = b"roster-test-secret-0123456789abcdef";

/// The server URL the tests administer (from `DATABASE_URL`, set by `cargo xtask test`).
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the tests with `cargo xtask test` (it starts a private PostgreSQL)")
    })
}

/// `admin_url` with another database name.
pub fn database_url(name: &str) -> String {
    with_database(&admin_url(), name)
}

/// A server URL with another database name.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.to_owned(), String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template database, created once per schema version (across processes,
/// serialised by an advisory lock) and renamed into place only when complete.
pub async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("roster_tpl_{}", roster_core::migrations::fingerprint());
            let mut admin = AsyncPgConnection::establish(&admin_url())
                .await
                .expect("connect to DATABASE_URL");
            diesel::sql_query("SELECT pg_advisory_lock(7263001)")
                .execute(&mut admin)
                .await
                .expect("advisory lock");
            if !database_exists(&mut admin, &name).await {
                let building = format!("{name}_building");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .expect("drop stale template");
                diesel::sql_query(format!("CREATE DATABASE {building}"))
                    .execute(&mut admin)
                    .await
                    .expect("create template");
                let url = database_url(&building);
                tokio::task::spawn_blocking(move || {
                    roster_core::migrations::run_pending(&url).map_err(|e| e.to_string())
                })
                .await
                .expect("migration task")
                .expect("migrate template");
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("rename template");
            }
            diesel::sql_query("SELECT pg_advisory_unlock(7263001)")
                .execute(&mut admin)
                .await
                .expect("advisory unlock");
            name
        })
        .await
        .clone()
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let row: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(conn)
        .await
        .expect("query pg_database");
    row.n > 0
}

/// A fresh database cloned from the template; dropped (with its connections) on drop.
pub struct TestDb {
    pub name: String,
    pub url: String,
    /// The server's admin URL, to drop the database from.
    admin: String,
}

impl TestDb {
    pub async fn new() -> Self {
        let template = template().await;
        let name = format!("roster_t_{:016x}", rand::rng().random::<u64>());
        let mut admin = AsyncPgConnection::establish(&admin_url())
            .await
            .expect("connect to DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .await
            .expect("clone template");
        Self {
            url: database_url(&name),
            name,
            admin: admin_url(),
        }
    }

    /// An empty database (no migrations), for migration tests.
    pub async fn empty() -> Self {
        let name = format!("roster_e_{:016x}", rand::rng().random::<u64>());
        let mut admin = AsyncPgConnection::establish(&admin_url())
            .await
            .expect("connect to DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        Self {
            url: database_url(&name),
            name,
            admin: admin_url(),
        }
    }

    /// A new, migrated database `name` on the server at `admin` (not `DATABASE_URL`'s).
    pub async fn migrated_on(admin: &str, name: &str) -> Self {
        let mut conn = AsyncPgConnection::establish(admin)
            .await
            .expect("connect to the admin URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create database");
        let url = with_database(admin, name);
        let migrate = url.clone();
        tokio::task::spawn_blocking(move || {
            roster_core::migrations::run_pending(&migrate).map_err(|e| e.to_string())
        })
        .await
        .expect("migration task")
        .expect("migrate");
        Self {
            name: name.to_owned(),
            url,
            admin: admin.to_owned(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = self.admin.clone();
        // Drop cannot await: do it on a thread with its own small runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut admin) = AsyncPgConnection::establish(&admin).await {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                }
            });
        })
        .join();
    }
}

/// Credentials of a bootstrapped org admin.
#[derive(Debug, Clone)]
pub struct Admin {
    pub org_id: String,
    pub org_slug: String,
    pub account_id: String,
    pub user_id: String,
    pub token: String,
}

/// A running gateway on its own database.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: Pool,
    pub admin: Admin,
    pub config: Config,
    handle: actix_web::dev::ServerHandle,
    pub db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command now; the server's threads wind down by themselves.
        drop(self.handle.stop(false));
    }
}

impl TestApp {
    /// A gateway with a bootstrapped org `acme` and its admin.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The same, with a configuration tweak.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::serve(TestDb::new().await, tweak).await
    }

    /// A gateway on a given (migrated) database, with a bootstrapped org `acme`.
    pub async fn serve(db: TestDb, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_database(db.url.clone(), TEST_SECRET);
        // The tests' webhook receivers listen on loopback.
        config.webhooks.allow_private = true;
        tweak(&mut config);
        let (base, handle) = start_gateway(&config);
        let pool = roster_core::db::pool(&db.url, 4).expect("pool");
        let mut app = Self {
            base,
            client: reqwest::Client::builder().build().expect("client"),
            pool,
            admin: Admin {
                org_id: String::new(),
                org_slug: String::new(),
                account_id: String::new(),
                user_id: String::new(),
                token: String::new(),
            },
            config,
            handle,
            db,
        };
        app.admin = app.bootstrap("acme", "admin@acme.test").await;
        app
    }

    /// Bootstraps an org with an AppAdmin (as `roster-gateway bootstrap` does).
    pub async fn bootstrap(&self, org_slug: &str, email: &str) -> Admin {
        let mut conn = self.pool.get().await.expect("conn");
        let done = roster_identity::bootstrap::run(
            &mut conn,
            roster_identity::bootstrap::Bootstrap {
                org_slug: Slug::parse("slug", org_slug).expect("slug"),
                org_name: format!("Org {org_slug}"),
                email: Email::parse("email", email).expect("email"),
                name: "Org Admin".into(),
                password: None,
            },
        )
        .await
        .expect("bootstrap");
        Admin {
            org_id: done.org_id.to_string(),
            org_slug: done.org_slug,
            account_id: done.account_id.to_string(),
            user_id: done.user_id.to_string(),
            token: done.token,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The arguments of `roster-gateway bootstrap` against this app's database.
    pub fn bootstrap_args(
        &self,
        org_slug: &str,
        email: &str,
        password: Option<&str>,
    ) -> roster_gateway::cli::BootstrapArgs {
        roster_gateway::cli::BootstrapArgs {
            db: roster_gateway::cli::DatabaseArgs {
                database_url: self.db.url.clone(),
            },
            org_slug: org_slug.into(),
            org_name: Some(format!("Org {org_slug}")),
            email: email.into(),
            name: "Org Admin".into(),
            password: password.map(str::to_owned),
        }
    }

    /// Another gateway on the same database and configuration, as a second replica
    /// behind a load balancer would be: its own server, pool and in-process state.
    pub fn replica(&self) -> Replica {
        let (base, handle) = start_gateway(&self.config);
        Replica { base, handle }
    }

    /// A request with no credentials.
    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request as `token` in org `org`.
    pub fn as_user(&self, token: &str, org: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path)
            .bearer_auth(token)
            .header("x-org", org)
    }

    /// A request as the bootstrapped admin in its org.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.as_user(&self.admin.token, &self.admin.org_slug, method, path)
    }

    /// Creates a user in the admin's org and returns its JSON.
    pub async fn create_user(&self, email: &str, role: &str) -> Value {
        let res = self
            .admin(Method::POST, "/api/v1/app/user")
            .json(&serde_json::json!({"role": role, "user_info": {"email": email, "name": format!("User {email}")}}))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 201, "create user {email}");
        res.json().await.expect("json")
    }

    /// Creates a user and an API token for its account; returns (user JSON, token).
    pub async fn user_with_token(&self, email: &str, role: &str) -> (Value, String) {
        let user = self.create_user(email, role).await;
        let account_id =
            roster_identity::AccountId::parse(user["account_id"].as_str().expect("account_id"))
                .expect("account id");
        let mut conn = self.pool.get().await.expect("conn");
        let token = roster_identity::tokens::create(&mut conn, &account_id, "test", None)
            .await
            .expect("token");
        (user, token.secret)
    }
}

/// Starts a gateway on a free loopback port; returns its base URL and handle.
fn start_gateway(config: &Config) -> (String, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = roster_gateway::server::build(config.clone(), listener).expect("build server");
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), handle)
}

/// A second gateway of a `TestApp` (see `TestApp::replica`); stopped on drop.
pub struct Replica {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
}

impl Replica {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// Writes a test's figures to stderr past libtest's output capture, so that they show in
/// every run (`cargo xtask test` prints them), not only when the test fails.
pub fn report(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Reads a response as (status, JSON body), asserting the body is JSON.
pub async fn json(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("status {status}: body is not JSON: {text}"));
    (status, body)
}

/// Asserts a problem+json error response with this status and code; returns the body.
pub async fn problem(res: reqwest::Response, status: u16, code: &str) -> Value {
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (got, body) = json(res).await;
    assert_eq!(got, status, "unexpected status; body: {body}");
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["status"], status, "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(
        body["detail"], body["error"],
        "error repeats detail: {body}"
    );
    assert!(
        body["title"].is_string() && body["type"] == "about:blank",
        "body: {body}"
    );
    body
}

/// An external-users workspace and an API key for it.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: String,
    pub api_key: String,
}

impl TestApp {
    /// Creates a workspace in the bootstrapped admin's org, and an API key for it, over
    /// HTTP as an AppAdmin would.
    pub async fn workspace(&self) -> Workspace {
        self.workspace_of(&self.admin).await
    }

    /// The same in another admin's org.
    pub async fn workspace_of(&self, admin: &Admin) -> Workspace {
        let res = self
            .as_user(
                &admin.token,
                &admin.org_slug,
                Method::POST,
                "/api/v1/app/workspaces",
            )
            .json(&serde_json::json!({"name": "Support site"}))
            .send()
            .await
            .expect("send");
        let (status, workspace) = json(res).await;
        assert_eq!(status, 201, "create workspace: {workspace}");
        let id = workspace["id"].as_str().expect("workspace id").to_owned();
        let res = self
            .as_user(
                &admin.token,
                &admin.org_slug,
                Method::POST,
                &format!("/api/v1/app/workspaces/{id}/api-keys"),
            )
            .json(&serde_json::json!({"name": "tests"}))
            .send()
            .await
            .expect("send");
        let (status, key) = json(res).await;
        assert_eq!(status, 201, "create api key: {key}");
        Workspace {
            id,
            api_key: key["secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// A request to the external family with a workspace API key in `authorization`.
    pub fn external(&self, api_key: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path).header("authorization", api_key)
    }

    /// Creates a channel, tier or group (`path` is its collection) and returns its JSON.
    pub async fn external_create(&self, api_key: &str, path: &str, body: Value) -> Value {
        let res = self
            .external(api_key, Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("send");
        let (status, created) = json(res).await;
        assert_eq!(status, 200, "POST {path} {body}: {created}");
        created
    }

    /// Creates a channel and returns its id.
    pub async fn channel(&self, api_key: &str, name: &str) -> String {
        self.external_create(
            api_key,
            "/api/v1/channels",
            serde_json::json!({"name": name}),
        )
        .await["id"]
            .as_str()
            .expect("channel id")
            .to_owned()
    }
}

/// Reads a list response of the external family: (status, `X-Total-Count`, JSON body).
pub async fn listed(res: reqwest::Response) -> (u16, Option<i64>, Value) {
    let total = res
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let (status, body) = json(res).await;
    (status, total, body)
}

/// Asserts that at least `at_least` statements prepared on `conn` match `condition` (SQL
/// over `pg_prepared_statements`' columns, e.g. `statement LIKE '%users%'`) and that
/// PostgreSQL ran each on a generic plan at least once, instead of planning every call.
pub async fn assert_generic_plans(conn: &mut AsyncPgConnection, condition: &str, at_least: usize) {
    #[derive(diesel::QueryableByName)]
    struct Statement {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        generic_plans: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        custom_plans: i64,
    }
    let statements: Vec<Statement> = diesel::sql_query(format!(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
         WHERE {condition}"
    ))
    .load(conn)
    .await
    .expect("pg_prepared_statements");
    assert!(
        statements.len() >= at_least,
        "{} statements where {condition}",
        statements.len()
    );
    for s in &statements {
        assert!(
            s.generic_plans > 0,
            "planned for every call ({} custom plans), never generically: {}",
            s.custom_plans,
            s.statement
        );
    }
}
