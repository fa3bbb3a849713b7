//! The `state` of Roster's Slack OAuth redirects: a short-lived HS256 JWT naming the flow
//! (`install` or `connect`), the tenant, and who started it. Slack hands it back on the
//! redirect; Roster trusts only what it signed itself.

use roster_core::jwt::{self, JwtError};
use roster_core::DomainError;
use roster_identity::OrgId;
use serde::{Deserialize, Serialize};

pub const KEY_PURPOSE: &str = "slack-oauth-state";
/// How long an install may take between Roster's redirect and Slack's.
pub const INSTALL_LIFETIME_SECS: i64 = 10 * 60;

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
    /// Makes every state distinct.
    pub nonce: String,
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
) -> String {
    jwt::sign(
        &OAuthState {
            flow,
            tenant_id: org_id.to_string(),
            sub: sub.to_owned(),
            iat: now_unix,
            exp: now_unix + lifetime_secs,
            nonce: hex::encode(roster_core::secret::random_bytes::<12>()),
        },
        key,
    )
}

/// Checks a state handed back by Slack: 400 when it is not ours, of another flow, or old.
pub fn verify(
    key: &[u8],
    flow: Flow,
    state: &str,
    now_unix: i64,
) -> Result<(OrgId, String), DomainError> {
    let invalid = |detail: &str| {
        DomainError::bad_request("invalid_oauth_state", detail.to_owned())
            .on_field("state", "invalid")
    };
    let claims: OAuthState = jwt::verify(state, key, now_unix, 0).map_err(|e| match e {
        JwtError::Expired => invalid("the authorization took too long and expired: start again"),
        _ => invalid("the OAuth state is invalid: start again"),
    })?;
    if claims.flow != flow {
        return Err(invalid(
            "the OAuth state belongs to another flow: start again",
        ));
    }
    let org_id = OrgId::parse(&claims.tenant_id)
        .ok_or_else(|| invalid("the OAuth state is invalid: start again"))?;
    Ok((org_id, claims.sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_bound_to_their_flow_and_lifetime() {
        let key = key(b"a master secret that is long enough");
        let org = OrgId::parse("org_0123456789abcdef").unwrap();
        let state = issue(&key, Flow::Install, &org, "user_0123456789abcdef", 100, 600);
        let (got, sub) = verify(&key, Flow::Install, &state, 200).unwrap();
        assert_eq!((got, sub.as_str()), (org, "user_0123456789abcdef"));
        assert!(verify(&key, Flow::Connect, &state, 200).is_err());
        let err = verify(&key, Flow::Install, &state, 701).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        assert!(verify(&key, Flow::Install, "junk", 200).is_err());
    }
}
