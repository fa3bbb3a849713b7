//! The end-to-end harness: each test gets its own database, cloned from a migrated
//! template, and its own gateway on a free loopback port, reached over real HTTP.

// A test harness should fail loudly and at once: panicking is its way of reporting.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::net::TcpListener;

use reqwest::{Method, RequestBuilder};
use roster_core::db::Pool;
use roster_core::text::{Email, Slug};
use roster_gateway::config::Config;
use serde_json::Value;

pub mod cluster;
pub mod expect;
mod external;
pub mod raw_http;
mod slack;
mod sql;

pub use expect::{Expect, Reply};
pub use external::Workspace;

pub use roster_devkit::db::{admin_url, database_url, template, TestDb};

pub const TEST_SECRET: &[u8] = b"roster-test-secret-0123456789abcdef";

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
    /// The management address's base URL (`/metrics`), on a port of its own.
    pub management: String,
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        Self::serve_on(db, listener, tweak).await
    }

    /// A gateway whose public URL is its own address, as a browser reaches it (its forms
    /// then post from a trusted origin).
    pub async fn spawn_public() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        Self::serve_on(TestDb::new().await, listener, |c| c.public_url = base).await
    }

    async fn serve_on(db: TestDb, listener: TcpListener, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_database(db.url.clone(), TEST_SECRET);
        // The tests' webhook receivers listen on loopback.
        config.webhooks.allow_private = true;
        // Most tests sign up; those about closed sign-up close it again.
        config.signup = roster_gateway::config::Signup::Open;
        tweak(&mut config);
        let (base, management, handle) = start_gateway(&config, listener);
        let pool = roster_core::db::pool(&db.url, 4).expect("pool");
        let mut app = Self {
            base,
            management,
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

    /// A URL on the management address.
    pub fn management_url(&self, path: &str) -> String {
        format!("{}{path}", self.management)
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let (base, _, handle) = start_gateway(&self.config, listener);
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
        self.admin(Method::POST, "/api/v1/app/user")
            .json(&serde_json::json!({"role": role, "user_info": {"email": email, "name": format!("User {email}")}}))
            .created()
            .await
    }

    /// Marks an account's email verified, as following the link Roster mails would (for
    /// tests about other things that sign up, then have an admin add the account: an
    /// unverified sign-up would be reclaimed).
    pub async fn verify_email(&self, email: &str) {
        use diesel::ExpressionMethods;
        use diesel_async::RunQueryDsl;
        use roster_identity::schema::accounts;
        let mut conn = self.pool.get().await.expect("conn");
        let n = diesel::update(accounts::table)
            .filter(accounts::email.eq(email))
            .set(accounts::email_verified.eq(true))
            .execute(&mut conn)
            .await
            .expect("verify email");
        assert_eq!(n, 1, "no account {email}");
    }

    /// An account that signs in with `password` (signed up, its email verified), added to
    /// the admin's org with `role`; returns the user's JSON.
    pub async fn person(&self, email: &str, password: &str, role: &str) -> Value {
        self.anon(Method::POST, "/api/auth/sign-up/email")
            .json(&serde_json::json!({"email": email, "password": password, "name": format!("Person {email}")}))
            .status(200)
            .await;
        self.verify_email(email).await;
        self.create_user(email, role).await
    }

    /// Creates a user and an API token for its account; returns (user JSON, token).
    pub async fn user_with_token(&self, email: &str, role: &str) -> (Value, String) {
        let user = self.create_user(email, role).await;
        let account_id =
            roster_identity::AccountId::parse(user["account_id"].as_str().expect("account_id"))
                .expect("account id");
        let org_id = roster_identity::OrgId::parse(user["org_id"].as_str().expect("org_id"))
            .expect("org id");
        let mut conn = self.pool.get().await.expect("conn");
        let token = roster_identity::tokens::create(&mut conn, &org_id, &account_id, "test", None)
            .await
            .expect("token");
        (user, token.secret)
    }
}

/// Starts a gateway on a free loopback port, with its management address on another;
/// returns both base URLs and its handle.
fn start_gateway(
    config: &Config,
    listener: TcpListener,
) -> (String, String, actix_web::dev::ServerHandle) {
    let management = TcpListener::bind("127.0.0.1:0").expect("bind management");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let management_base = format!("http://{}", management.local_addr().expect("addr"));
    let server = roster_gateway::server::build(config.clone(), listener, Some(management))
        .expect("build server");
    let handle = server.handle();
    tokio::spawn(server);
    (base, management_base, handle)
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
