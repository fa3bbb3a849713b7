//! The Slack Web API calls Roster makes: `oauth.v2.access` (installing the app),
//! `openid.connect.token` and `openid.connect.userInfo` (linking a user by OpenID Connect),
//! and the authorize URLs that start those flows. The base URL is configurable
//! (`SLACK_API_BASE_URL`) so that tests point it at a fake Slack on loopback.

use std::sync::OnceLock;
use std::time::Duration;

use roster_core::DomainError;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::{EnterpriseId, SlackUserId, TeamId};

/// The bot scopes an install asks for: slash commands and ephemeral answers.
pub const BOT_SCOPES: &str = "commands,chat:write";
/// The OpenID Connect scopes a connect asks for.
pub const OPENID_SCOPES: &str = "openid profile email";
const TIMEOUT: Duration = Duration::from_secs(10);

/// A Slack app's OAuth credentials and where its Web API is.
#[derive(Clone, Copy)]
pub struct SlackApp<'a> {
    /// e.g. `https://slack.com/api`
    pub api_base_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
}

impl std::fmt::Debug for SlackApp<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackApp")
            .field("api_base_url", &self.api_base_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What `oauth.v2.access` reports about an install.
#[derive(Debug, Clone)]
pub struct Installation {
    pub team_id: TeamId,
    pub team_name: String,
    pub enterprise_id: Option<EnterpriseId>,
    pub bot_user_id: Option<String>,
    /// The bot token: seal it before it goes anywhere.
    pub bot_token: String,
}

/// Who signed in with Slack, from `openid.connect.userInfo`.
#[derive(Debug, Clone)]
pub struct OpenIdUser {
    pub team_id: TeamId,
    pub user_id: SlackUserId,
    pub enterprise_id: Option<EnterpriseId>,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// One HTTP client per process (connection pooling, TLS set up once).
fn http() -> Result<&'static reqwest::Client, DomainError> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| DomainError::internal_msg("the HTTP client for Slack could not be built"))
}

fn unreachable_slack(method: &str) -> DomainError {
    DomainError::unavailable(format!(
        "Slack could not be reached ({method}); retry shortly"
    ))
}

/// The fields every Slack Web API answer has.
#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    error: Option<String>,
}

fn refused(method: &str, error: Option<String>) -> DomainError {
    // Slack's `error` is a short machine word such as `invalid_code`: safe to show.
    let error = error
        .filter(|e| e.len() <= 64 && e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or_else(|| "unknown_error".into());
    DomainError::bad_request("slack_refused", format!("Slack refused {method}: {error}"))
}

impl SlackApp<'_> {
    /// Where Slack's browser-facing OAuth pages are: the API base without its `/api`.
    fn oauth_base(&self) -> &str {
        let base = self.api_base_url.trim_end_matches('/');
        base.strip_suffix("/api").unwrap_or(base)
    }

    fn method_url(&self, method: &str) -> String {
        format!("{}/{method}", self.api_base_url.trim_end_matches('/'))
    }

    /// Slack's page that asks an admin to install the app.
    pub fn install_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = form(&[
            ("client_id", self.client_id),
            ("scope", BOT_SCOPES),
            ("redirect_uri", redirect_uri),
            ("state", state),
        ]);
        format!("{}/oauth/v2/authorize?{query}", self.oauth_base())
    }

    /// Slack's "Sign in with Slack" page (OpenID Connect).
    pub fn openid_authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = form(&[
            ("response_type", "code"),
            ("scope", OPENID_SCOPES),
            ("client_id", self.client_id),
            ("redirect_uri", redirect_uri),
            ("state", state),
        ]);
        format!("{}/openid/connect/authorize?{query}", self.oauth_base())
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        params: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<T, DomainError> {
        let mut request = http()?.post(self.method_url(method)).form(params);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| {
            tracing::warn!(method, error = %e.without_url(), "Slack request failed");
            unreachable_slack(method)
        })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|_| unreachable_slack(method))?;
        let envelope: Envelope = serde_json::from_slice(&body).map_err(|_| {
            tracing::warn!(method, %status, "Slack answered with something other than JSON");
            unreachable_slack(method)
        })?;
        if !envelope.ok {
            return Err(refused(method, envelope.error));
        }
        serde_json::from_slice(&body).map_err(|e| {
            // Only the kind of error: its message could quote a value from the answer.
            tracing::warn!(method, error = ?e.classify(), "Slack's answer lacks expected fields");
            DomainError::unavailable(format!("Slack answered {method} unexpectedly"))
        })
    }

    /// Exchanges an install's authorization code for the bot token and team.
    pub async fn oauth_v2_access(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<Installation, DomainError> {
        #[derive(Deserialize)]
        struct Named {
            id: String,
            name: Option<String>,
        }
        #[derive(Deserialize)]
        struct Access {
            access_token: String,
            bot_user_id: Option<String>,
            team: Option<Named>,
            enterprise: Option<Named>,
        }
        let method = "oauth.v2.access";
        let access: Access = self
            .call(
                method,
                &[
                    ("client_id", self.client_id),
                    ("client_secret", self.client_secret),
                    ("code", code),
                    ("redirect_uri", redirect_uri),
                ],
                None,
            )
            .await?;
        let team = access.team.ok_or_else(|| {
            DomainError::bad_request(
                "slack_refused",
                "Slack installed the app without a workspace (an org-wide install); install it on a workspace",
            )
        })?;
        let team_id = TeamId::parse(&team.id).ok_or_else(|| {
            DomainError::unavailable(format!("Slack answered {method} with a malformed team id"))
        })?;
        Ok(Installation {
            team_name: team.name.unwrap_or_else(|| team_id.to_string()),
            team_id,
            enterprise_id: access.enterprise.and_then(|e| EnterpriseId::parse(&e.id)),
            bot_user_id: access.bot_user_id,
            bot_token: access.access_token,
        })
    }

    /// Exchanges a "Sign in with Slack" code for the signed-in user's identity.
    pub async fn openid_user(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<OpenIdUser, DomainError> {
        #[derive(Deserialize)]
        struct Token {
            access_token: String,
        }
        #[derive(Deserialize)]
        struct UserInfo {
            #[serde(rename = "https://slack.com/user_id")]
            user_id: String,
            #[serde(rename = "https://slack.com/team_id")]
            team_id: String,
            #[serde(rename = "https://slack.com/enterprise_id", default)]
            enterprise_id: Option<String>,
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            email: Option<String>,
        }
        let token: Token = self
            .call(
                "openid.connect.token",
                &[
                    ("client_id", self.client_id),
                    ("client_secret", self.client_secret),
                    ("code", code),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", redirect_uri),
                ],
                None,
            )
            .await?;
        let method = "openid.connect.userInfo";
        let info: UserInfo = self.call(method, &[], Some(&token.access_token)).await?;
        let malformed =
            || DomainError::unavailable(format!("Slack answered {method} with a malformed id"));
        Ok(OpenIdUser {
            team_id: TeamId::parse(&info.team_id).ok_or_else(malformed)?,
            user_id: SlackUserId::parse(&info.user_id).ok_or_else(malformed)?,
            enterprise_id: info.enterprise_id.as_deref().and_then(EnterpriseId::parse),
            name: info.name.filter(|n| !n.trim().is_empty()),
            email: info.email.filter(|e| !e.trim().is_empty()),
        })
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_urls_live_beside_the_api() {
        let app = SlackApp {
            api_base_url: "https://slack.com/api",
            client_id: "123.456",
            client_secret: "s",
        };
        assert_eq!(
            app.install_url("https://roster.example/cb", "st"),
            "https://slack.com/oauth/v2/authorize?client_id=123.456&scope=commands%2Cchat%3Awrite&redirect_uri=https%3A%2F%2Froster.example%2Fcb&state=st"
        );
        assert!(app
            .openid_authorize_url("https://roster.example/cb", "st")
            .starts_with("https://slack.com/openid/connect/authorize?response_type=code&scope=openid+profile+email&client_id=123.456"));
        assert_eq!(
            app.method_url("oauth.v2.access"),
            "https://slack.com/api/oauth.v2.access"
        );
        let debug = format!("{app:?}");
        assert!(!debug.contains("client_secret: \"s\""), "{debug}");
    }
}
