//! The `state` of Roster's Slack OAuth redirects: a short-lived HS256 JWT naming the flow
//! (`install` or `connect`), the tenant, who started it, and a nonce that the starting
//! browser also holds in a cookie. Slack hands the state back on the redirect; Roster
//! trusts only what it signed itself, and only in the browser that started the flow (so
//! that nobody can slip their own state into someone else's authorization).

use roster_core::jwt::{self, JwtError};
use roster_core::DomainError;
use roster_identity::OrgId;
use serde::{Deserialize, Serialize};

pub const KEY_PURPOSE: &str = "slack-oauth-state";
/// How long an install may take between Roster's redirect and Slack's.
pub const INSTALL_LIFETIME_SECS: i64 = 10 * 60;
/// The cookie that binds a flow to the browser that started it.
pub const NONCE_COOKIE: &str = "roster_slack_oauth";

/// Which flow a state belongs to: a state of one is refused by the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    Install,
    Connect,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthState {
    pub flow: Flow,
    /// The tenant (`org_…`).
    pub tenant_id: String,
    /// The user who started an install, or the connect session's id.
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// Also in the starting browser's [`NONCE_COOKIE`].
    pub nonce: String,
}

/// A signed state and the nonce to set as the browser's cookie.
#[derive(Debug, Clone)]
pub struct IssuedState {
    pub state: String,
    pub nonce: String,
}

/// A state that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedState {
    pub org_id: OrgId,
    pub sub: String,
}

pub fn key(master: &[u8]) -> [u8; 32] {
    jwt::derive_key(master, KEY_PURPOSE)
}

pub fn issue(
    key: &[u8],
    flow: Flow,
    org_id: &OrgId,
    sub: &str,
    now_unix: i64,
    lifetime_secs: i64,
) -> IssuedState {
    let nonce = hex::encode(roster_core::secret::random_bytes::<16>());
    let state = jwt::sign(
        &OAuthState {
            flow,
            tenant_id: org_id.to_string(),
            sub: sub.to_owned(),
            iat: now_unix,
            exp: now_unix + lifetime_secs,
            nonce: nonce.clone(),
        },
        key,
    );
    IssuedState { state, nonce }
}

fn invalid(detail: &str) -> DomainError {
    DomainError::bad_request("invalid_oauth_state", detail.to_owned()).on_field("state", "invalid")
}

/// Checks a state handed back by Slack, and the nonce cookie of the browser bringing it:
/// 400 when the state is not ours, of another flow, old, or from another browser.
pub fn verify(
    key: &[u8],
    flow: Flow,
    state: &str,
    cookie_nonce: Option<&str>,
    now_unix: i64,
) -> Result<VerifiedState, DomainError> {
    let claims: OAuthState = jwt::verify(state, key, now_unix, 0).map_err(|e| match e {
        JwtError::Expired => invalid("the authorization took too long and expired: start again"),
        _ => invalid("the OAuth state is invalid: start again"),
    })?;
    if claims.flow != flow {
        return Err(invalid(
            "the OAuth state belongs to another flow: start again",
        ));
    }
    if cookie_nonce != Some(claims.nonce.as_str()) {
        return Err(invalid(
            "this authorization was started in another browser (or its cookie is gone): start again",
        ));
    }
    let org_id = OrgId::parse(&claims.tenant_id)
        .ok_or_else(|| invalid("the OAuth state is invalid: start again"))?;
    Ok(VerifiedState {
        org_id,
        sub: claims.sub,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_bound_to_their_flow_lifetime_and_browser() {
        let key = key(b"a master secret that is long enough");
        let org = OrgId::parse("org_0123456789abcdef").unwrap();
        let issued = issue(&key, Flow::Install, &org, "user_0123456789abcdef", 100, 600);
        let nonce = Some(issued.nonce.as_str());
        let verified = verify(&key, Flow::Install, &issued.state, nonce, 200).unwrap();
        assert_eq!(verified.org_id, org);
        assert_eq!(verified.sub, "user_0123456789abcdef");
        assert!(verify(&key, Flow::Connect, &issued.state, nonce, 200).is_err());
        let err = verify(&key, Flow::Install, &issued.state, nonce, 701).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        let err = verify(&key, Flow::Install, &issued.state, None, 200).unwrap_err();
        assert!(err.to_string().contains("another browser"), "{err}");
        assert!(verify(&key, Flow::Install, &issued.state, Some("other"), 200).is_err());
        assert!(verify(&key, Flow::Install, "junk", nonce, 200).is_err());
    }
}
