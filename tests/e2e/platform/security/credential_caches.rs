//! No replica keeps accepting a credential from its cache once it is revoked, whichever
//! replica revoked it: two gateways on one database, each caching credentials for 10
//! minutes; every path that ends a session or token, taken through replica A, is refused
//! by replica B within `AT_ONCE` (the notification's delivery), far inside the cache's
//! lifetime. The control shows that B does serve from its cache: a session deleted with
//! the notifications switched off goes on working there.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use roster_devkit::smtp::SmtpServer;
use roster_e2e::{report, Expect, Replica, TestApp};
use serde_json::json;

use crate::app::account::{self, PASSWORD};
use crate::app::email::{mail_to, reset_token_of};

/// How long a replica may cache a credential in these tests: what would be accepted
/// without the notifications.
const CACHE_SECONDS: u64 = 600;
/// How long B may take to hear a revocation: the notification's delivery on a busy
/// 2-core machine, not the cache's lifetime.
const AT_ONCE: Duration = Duration::from_secs(2);
const EMAIL: &str = "lee@example.com";

struct Replicas {
    a: TestApp,
    b: Replica,
    smtp: SmtpServer,
}

async fn replicas() -> Replicas {
    let smtp = SmtpServer::start().await.expect("smtp");
    let url = smtp.url();
    let a = TestApp::spawn_with(|c| {
        c.mail.smtp_url = Some(url);
        c.auth_cache_seconds = CACHE_SECONDS;
    })
    .await;
    let b = a.replica();
    Replicas { a, b, smtp }
}

impl Replicas {
    /// A request that authenticates through the credential cache (organization/list
    /// takes any signed-in account, in an org or not).
    fn orgs_on(&self, base: &str, token: &str) -> RequestBuilder {
        self.a
            .client
            .get(format!("{base}/api/auth/organization/list"))
            .bearer_auth(token)
    }

    /// A request of the App family, as `token` in acme.
    fn app_on(&self, base: &str, token: &str, method: Method, path: &str) -> RequestBuilder {
        self.a
            .client
            .request(method, format!("{base}{path}"))
            .bearer_auth(token)
            .header("x-org", "acme")
    }

    /// A state-changing better-auth request through A, as a browser with `session`.
    fn browser_on_a(&self, session: &str, path: &str) -> RequestBuilder {
        self.a
            .anon(Method::POST, path)
            .header("cookie", format!("better-auth.session_token={session}"))
            .header("origin", self.a.config.public_url.trim_end_matches('/'))
    }

    /// Signs up through A: the session's token, and the account's id.
    async fn sign_up(&self, email: &str) -> (String, String) {
        let (token, user) = account::sign_up(&self.a, email).await;
        (token, user["id"].as_str().unwrap().to_owned())
    }

    async fn sign_in(&self, email: &str, password: &str) -> String {
        account::sign_in(&self.a, email, password).await
    }

    /// Both replicas accept `token` (B twice: the second answer comes from its cache).
    async fn accepted_by_both(&self, token: &str) {
        for base in [&self.a.base, &self.b.base, &self.b.base] {
            self.orgs_on(base, token).status(200).await;
        }
    }

    /// B refuses `token` within `AT_ONCE` of the revocation's answer; says how soon.
    async fn refused_by_b_at_once(&self, token: &str, what: &str) {
        let started = Instant::now();
        loop {
            let status = self.orgs_on(&self.b.base, token).reply().await.status;
            if status == 401 {
                break;
            }
            assert_eq!(status, 200, "{what}");
            assert!(
                started.elapsed() < AT_ONCE,
                "{what}: B still accepts the credential after {:?} (its cache keeps it {CACHE_SECONDS} s)",
                started.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        report(&format!(
            "credential caches: {what}: refused by B after {} ms (cache lifetime {CACHE_SECONDS} s)",
            started.elapsed().as_millis()
        ));
    }
}

#[tokio::test]
async fn without_its_notice_a_deleted_session_is_served_from_bs_cache() {
    let r = replicas().await;
    let (session, _) = r.sign_up(EMAIL).await;
    r.accepted_by_both(&session).await;
    r.a.sql("ALTER TABLE sessions DISABLE TRIGGER sessions_notify_delete")
        .await;
    r.a.sql("DELETE FROM sessions").await;
    // B's cache still has it: what every other test here would see without the notices.
    r.orgs_on(&r.b.base, &session).status(200).await;
    r.orgs_on(&r.a.base, &session).status(200).await;
    // A notice of the account (any change to its sessions: here another one ended) drops it.
    r.a.sql("ALTER TABLE sessions ENABLE TRIGGER sessions_notify_delete")
        .await;
    r.sign_in(EMAIL, PASSWORD).await;
    r.a.sql("DELETE FROM sessions").await;
    r.refused_by_b_at_once(
        &session,
        "a session deleted unannounced, then a notice of its account",
    )
    .await;
}

#[tokio::test]
async fn sign_out_and_each_revoke_route_through_a_end_the_session_on_b() {
    let r = replicas().await;
    let (mine, _) = r.sign_up(EMAIL).await;
    let sign_out = r.sign_in(EMAIL, PASSWORD).await;
    let by_token = r.sign_in(EMAIL, PASSWORD).await;
    let other = r.sign_in(EMAIL, PASSWORD).await;
    for token in [&mine, &sign_out, &by_token, &other] {
        r.accepted_by_both(token).await;
    }
    r.a.anon(Method::POST, "/api/auth/sign-out")
        .bearer_auth(&sign_out)
        .status(200)
        .await;
    r.refused_by_b_at_once(&sign_out, "sign-out through A")
        .await;

    r.browser_on_a(&mine, "/api/auth/revoke-session")
        .json(&json!({"token": by_token}))
        .ok()
        .await;
    r.refused_by_b_at_once(&by_token, "revoke-session through A")
        .await;

    r.browser_on_a(&mine, "/api/auth/revoke-other-sessions")
        .ok()
        .await;
    r.refused_by_b_at_once(&other, "revoke-other-sessions through A")
        .await;
    r.orgs_on(&r.b.base, &mine).status(200).await;

    r.browser_on_a(&mine, "/api/auth/revoke-sessions")
        .ok()
        .await;
    r.refused_by_b_at_once(&mine, "revoke-sessions through A")
        .await;
}

#[tokio::test]
async fn change_password_revoking_other_sessions_through_a_ends_them_on_b() {
    let r = replicas().await;
    let (other, _) = r.sign_up(EMAIL).await;
    let mine = r.sign_in(EMAIL, PASSWORD).await;
    r.accepted_by_both(&other).await;
    r.accepted_by_both(&mine).await;
    r.browser_on_a(&mine, "/api/auth/change-password")
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "another fine passphrase", "revokeOtherSessions": true}))
        .ok()
        .await;
    r.refused_by_b_at_once(&other, "change-password (revokeOtherSessions) through A")
        .await;
    r.orgs_on(&r.b.base, &mine).status(200).await;
}

#[tokio::test]
async fn a_password_reset_through_a_ends_every_session_on_b() {
    let r = replicas().await;
    let (session, _) = r.sign_up(EMAIL).await;
    r.accepted_by_both(&session).await;
    r.a.anon(Method::POST, "/api/auth/request-password-reset")
        .json(&json!({"email": EMAIL}))
        .ok()
        .await;
    let mail = mail_to(&r.smtp, EMAIL, "Reset").await;
    let token = reset_token_of(&r.a, &mail).await;
    r.a.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": "another fine passphrase", "token": token}))
        .ok()
        .await;
    r.refused_by_b_at_once(&session, "reset-password through A")
        .await;
}

#[tokio::test]
async fn a_reclaimed_sign_up_is_refused_by_b_and_so_are_its_api_tokens() {
    let r = replicas().await;
    let (attacker, account) = r.sign_up("newhire@acme.test").await;
    let token = {
        let mut conn = r.a.pool.get().await.unwrap();
        let org = roster_identity::OrgId::parse(&r.a.admin.org_id).unwrap();
        let account = roster_identity::AccountId::parse(&account).unwrap();
        roster_identity::tokens::create(&mut conn, &org, &account, "minted", None)
            .await
            .unwrap()
            .secret
    };
    r.accepted_by_both(&attacker).await;
    r.accepted_by_both(&token).await;
    // The admin adds the address through A: the account is reclaimed for its owner.
    r.a.admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": "newhire@acme.test", "name": "New Hire"}}))
        .created()
        .await;
    r.refused_by_b_at_once(
        &attacker,
        "an unverified sign-up reclaimed (its session) through A",
    )
    .await;
    r.refused_by_b_at_once(
        &token,
        "an unverified sign-up reclaimed (its API token) through A",
    )
    .await;
}

#[tokio::test]
async fn an_api_token_revoked_through_a_is_refused_by_b() {
    let r = replicas().await;
    let (_, token) = r.a.user_with_token("rev@acme.test", "AppMember").await;
    let created = r
        .app_on(&r.a.base, &token, Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "laptop"}))
        .created()
        .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let me_on_b = |token: &str| r.app_on(&r.b.base, token, Method::GET, "/api/v1/app/me");
    r.accepted_by_both(&secret).await;
    me_on_b(&secret).status(200).await;
    let path = format!("/api/v1/app/tokens/{}", created["id"].as_str().unwrap());
    r.app_on(&r.a.base, &token, Method::DELETE, &path)
        .no_content()
        .await;
    r.refused_by_b_at_once(&secret, "an API token revoked through A")
        .await;
    me_on_b(&secret).problem(401, "unauthorized").await;
    // The token that revoked it goes on working there.
    me_on_b(&token).status(200).await;
}
