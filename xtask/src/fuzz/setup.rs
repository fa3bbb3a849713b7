//! The gateway a fuzz run attacks, on its fresh database, and what the fuzzer is given:
//! the bootstrap credentials and resources it may revoke or delete without locking
//! itself out (`xtask/fuzz/schemathesis.toml` and `hooks.py` read them).

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Result};
use roster_devkit::{free_port, random_hex};
use serde_json::{json, Value};

use crate::gateway::Gateway;
use crate::gateway_cli;
use crate::http::{Answer, Client};

/// The Slack team the hooks link fuzzed users in.
const SLACK_TEAM: &str = "T0FUZZ";

pub struct FuzzedGateway {
    gateway: Gateway,
    pub client: Client,
    org: String,
    user_id: String,
    email: String,
    password: String,
    token: String,
    api_key: String,
    workspace_id: String,
    /// For the hook that signs slash commands as Slack does.
    slack_signing_secret: String,
}

impl FuzzedGateway {
    pub fn start(binary: &Path, database_url: &str, work: &Path) -> Result<Self> {
        gateway_cli::run(binary, database_url, &["migrate"])?;
        let email = "fuzz@roster.test".to_owned();
        let password = random_hex(12)?;
        // The Slack family defaults to the org `default`: bootstrap that one.
        let boot = gateway_cli::bootstrap(
            binary,
            database_url,
            &[
                "--org-slug",
                "default",
                "--email",
                &email,
                "--name",
                "Fuzz Admin",
                "--password",
                &password,
            ],
        )?;
        let slack_signing_secret = random_hex(16)?;
        let env = [
            ("DATABASE_URL", database_url.to_owned()),
            ("ROSTER_SECRET", random_hex(32)?),
            // The hooks sign in with the real password far more often than a person would.
            ("ROSTER_RATE_LIMIT_PER_CREDENTIAL", "1000000".to_owned()),
            // Mail flows answer as they would in production; the mails go to the log.
            ("ROSTER_MAIL_TRANSPORT", "log".to_owned()),
            ("SLACK_SIGNING_SECRET", slack_signing_secret.clone()),
            ("SLACK_CLIENT_ID", "1234567890.0987654321".to_owned()),
            ("SLACK_CLIENT_SECRET", random_hex(16)?),
            // Slack's API on a loopback port where nothing listens: only the OAuth
            // callbacks call it, after checking a signed state the fuzzer cannot make.
            (
                "SLACK_API_BASE_URL",
                format!("http://127.0.0.1:{}/api", free_port()?),
            ),
            ("RUST_LOG", "warn".to_owned()),
        ];
        let gateway = Gateway::start(
            binary,
            &env,
            &work.join("gateway.log"),
            Duration::from_secs(60),
        )?;
        Ok(Self {
            client: Client::new(&gateway.base),
            gateway,
            org: boot.field("org_slug")?,
            user_id: boot.field("user_id")?,
            email,
            password,
            token: boot.field("token")?,
            api_key: boot.field("api_key")?,
            workspace_id: boot.field("workspace_id")?,
            slack_signing_secret,
        })
    }

    pub fn base(&self) -> &str {
        &self.gateway.base
    }

    pub fn log(&self) -> &Path {
        self.gateway.log()
    }

    pub fn stop(&mut self) {
        let _ = self.gateway.stop();
    }

    /// A SCIM token of the bootstrapped org (`POST /api/v1/app/scim-tokens`).
    pub fn scim_token(&self) -> Result<String> {
        let bearer = format!("Bearer {}", self.token);
        let admin = [
            ("authorization", bearer.as_str()),
            ("x-org", self.org.as_str()),
        ];
        let created = self.create(
            "/api/v1/app/scim-tokens",
            &admin,
            json!({"name": "scim2-tester"}),
        )?;
        match created["token"].as_str() {
            Some(t) => Ok(t.to_owned()),
            None => bail!("POST /api/v1/app/scim-tokens answered no token"),
        }
    }

    /// Whether the bootstrap token still works: a fuzzer that locked itself out proved little.
    pub fn token_still_works(&self) -> Result<bool> {
        let bearer = format!("Bearer {}", self.token);
        let admin = [
            ("authorization", bearer.as_str()),
            ("x-org", self.org.as_str()),
        ];
        let me = self.client.get("/api/v1/app/me", &admin)?;
        Ok(me.status == 200)
    }

    /// What the config file and the hooks read from the environment: the bootstrap
    /// credentials, an external user's access token, and resources the fuzzer may revoke
    /// or deactivate (never its own user, token or API key).
    pub fn fuzz_env(&self) -> Result<Vec<(&'static str, String)>> {
        let bearer = format!("Bearer {}", self.token);
        let admin = [
            ("authorization", bearer.as_str()),
            ("x-org", self.org.as_str()),
        ];
        let key = [("authorization", self.api_key.as_str())];
        let channel = self.create("/api/v1/channels", &key, json!({"name": "Fuzz channel"}))?;
        let user = self.create(
            "/api/v1/external-users/authenticate",
            &key,
            json!({"channelId": channel["id"], "externalId": "fuzz-user"}),
        )?;
        let spare_user = self.create(
            "/api/v1/app/user",
            &admin,
            json!({"role": "AppMember", "user_info": {"email": "spare@roster.test", "name": "Spare User"}}),
        )?;
        let spare_token = self.create("/api/v1/app/tokens", &admin, json!({"name": "spare"}))?;
        let spare_key = self.create(
            &format!("/api/v1/app/workspaces/{}/api-keys", self.workspace_id),
            &admin,
            json!({"name": "spare"}),
        )?;
        let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
        Ok(vec![
            ("ROSTER_FUZZ_BASE_URL", self.gateway.base.clone()),
            ("ROSTER_FUZZ_ORG", self.org.clone()),
            ("ROSTER_FUZZ_USER_ID", self.user_id.clone()),
            ("ROSTER_FUZZ_EMAIL", self.email.clone()),
            ("ROSTER_FUZZ_PASSWORD", self.password.clone()),
            ("ROSTER_FUZZ_TOKEN", self.token.clone()),
            ("ROSTER_FUZZ_API_KEY", self.api_key.clone()),
            ("ROSTER_FUZZ_ACCESS_TOKEN", text(&user, "accessToken")),
            ("ROSTER_FUZZ_SPARE_USER", text(&spare_user, "id")),
            ("ROSTER_FUZZ_SPARE_TOKEN", text(&spare_token, "id")),
            ("ROSTER_FUZZ_WORKSPACE", self.workspace_id.clone()),
            ("ROSTER_FUZZ_SPARE_API_KEY", text(&spare_key, "id")),
            ("ROSTER_FUZZ_SLACK_TEAM", SLACK_TEAM.to_owned()),
            (
                "ROSTER_FUZZ_SLACK_SIGNING_SECRET",
                self.slack_signing_secret.clone(),
            ),
        ])
    }

    /// POSTs a setup resource; anything but a 2xx stops the run.
    fn create(&self, path: &str, headers: &[(&str, &str)], body: Value) -> Result<Value> {
        let Answer { status, body } = self.client.post_json(path, headers, &body)?;
        if !(200..300).contains(&status) {
            bail!("setting up: POST {path} answered {status}: {body}");
        }
        Ok(body)
    }
}
