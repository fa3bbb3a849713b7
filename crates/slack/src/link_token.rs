//! Link tokens: what the `link` slash command hands a Slack user, redeemed by the signed-in
//! Roster user at `users/link/verify-token`. HS256 JWTs shaped like Inkeep's (`iss`
//! `inkeep-auth`, `aud` `slack-link`, `sub` `slack:<team>:<user>`, `tokenUse`, `tenantId`,
//! `slack`), plus a `jti` that the database records on redemption: single use.

use roster_core::jwt::{self, JwtError};
use roster_core::DomainError;
use roster_identity::OrgId;
use serde::{Deserialize, Serialize};

use crate::{EnterpriseId, SlackUserId, TeamId};

pub const ISSUER: &str = "inkeep-auth";
pub const AUDIENCE: &str = "slack-link";
pub const TOKEN_USE: &str = "slackLinkCode";
/// The purpose `ROSTER_SECRET` is derived for: link tokens sign with their own key.
pub const KEY_PURPOSE: &str = "slack-link";
/// How long a link token lives unless configured otherwise.
pub const DEFAULT_LIFETIME_SECS: i64 = 10 * 60;

/// The signing key of link tokens, derived from `ROSTER_SECRET`.
pub fn key(master: &[u8]) -> [u8; 32] {
    jwt::derive_key(master, KEY_PURPOSE)
}

/// The Slack side of a link token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlackClaim {
    pub team_id: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// The claims of a link token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub token_use: String,
    /// The org the Slack team belongs to (an `org_…` id).
    pub tenant_id: String,
    pub slack: SlackClaim,
}

/// A link token's claims after every check: typed and ready to redeem.
#[derive(Debug, Clone)]
pub struct LinkToken {
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub slack_user_id: SlackUserId,
    pub enterprise_id: Option<EnterpriseId>,
    pub username: Option<String>,
    pub jti: String,
    pub expires_at_unix: i64,
}

/// The Slack user a token is for.
#[derive(Debug, Clone)]
pub struct LinkSubject {
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub slack_user_id: SlackUserId,
    pub enterprise_id: Option<EnterpriseId>,
    pub username: Option<String>,
}

/// Signs a fresh token for `subject`, issued at `now_unix` and living `lifetime_secs`.
pub fn issue(key: &[u8], subject: &LinkSubject, now_unix: i64, lifetime_secs: i64) -> String {
    let claims = LinkClaims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: format!("slack:{}:{}", subject.team_id, subject.slack_user_id),
        iat: now_unix,
        exp: now_unix + lifetime_secs,
        jti: hex::encode(roster_core::secret::random_bytes::<16>()),
        token_use: TOKEN_USE.into(),
        tenant_id: subject.org_id.to_string(),
        slack: SlackClaim {
            team_id: subject.team_id.to_string(),
            user_id: subject.slack_user_id.to_string(),
            enterprise_id: subject.enterprise_id.as_ref().map(ToString::to_string),
            username: subject.username.clone(),
        },
    };
    jwt::sign(&claims, key)
}

fn invalid() -> DomainError {
    DomainError::bad_request(
        "invalid_link_token",
        "the link token is invalid: run the link command in Slack again",
    )
    .on_field("token", "invalid")
}

/// Checks a token's signature, lifetime and claims. An expired token is a 400 whose
/// message says "expired"; anything else wrong is a 400 `invalid_link_token`.
pub fn verify(key: &[u8], token: &str, now_unix: i64) -> Result<LinkToken, DomainError> {
    let claims: LinkClaims = match jwt::verify(token.trim(), key, now_unix, 0) {
        Ok(c) => c,
        Err(JwtError::Expired) => {
            return Err(DomainError::bad_request(
                "link_token_expired",
                "the link token has expired: run the link command in Slack again for a new one",
            )
            .on_field("token", "expired"))
        }
        Err(_) => return Err(invalid()),
    };
    if claims.iss != ISSUER || claims.aud != AUDIENCE || claims.token_use != TOKEN_USE {
        return Err(invalid());
    }
    let team_id = TeamId::parse(&claims.slack.team_id).ok_or_else(invalid)?;
    let slack_user_id = SlackUserId::parse(&claims.slack.user_id).ok_or_else(invalid)?;
    if claims.sub != format!("slack:{team_id}:{slack_user_id}") || claims.jti.is_empty() {
        return Err(invalid());
    }
    let enterprise_id = match claims.slack.enterprise_id.as_deref() {
        None => None,
        Some(raw) => Some(EnterpriseId::parse(raw).ok_or_else(invalid)?),
    };
    Ok(LinkToken {
        org_id: OrgId::parse(&claims.tenant_id).ok_or_else(invalid)?,
        team_id,
        slack_user_id,
        enterprise_id,
        username: claims.slack.username,
        jti: claims.jti,
        expires_at_unix: claims.exp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> LinkSubject {
        LinkSubject {
            org_id: OrgId::parse("org_0123456789abcdef").unwrap(),
            team_id: TeamId::parse("T0ACME").unwrap(),
            slack_user_id: SlackUserId::parse("U0ALICE").unwrap(),
            enterprise_id: None,
            username: Some("alice".into()),
        }
    }

    #[test]
    fn issued_tokens_verify_with_inkeeps_claims() {
        let key = key(b"a master secret that is long enough");
        let token = issue(&key, &subject(), 1_000, 600);
        let claims: serde_json::Value = jwt::verify(&token, &key, 1_000, 0).unwrap();
        assert_eq!(claims["iss"], "inkeep-auth");
        assert_eq!(claims["aud"], "slack-link");
        assert_eq!(claims["sub"], "slack:T0ACME:U0ALICE");
        assert_eq!(claims["tokenUse"], "slackLinkCode");
        assert_eq!(claims["tenantId"], "org_0123456789abcdef");
        assert_eq!(claims["slack"]["teamId"], "T0ACME");
        assert_eq!(claims["slack"]["username"], "alice");
        assert_eq!(claims["exp"], 1_600);
        assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
        let verified = verify(&key, &token, 1_599).unwrap();
        assert_eq!(verified.slack_user_id.as_str(), "U0ALICE");
        assert_ne!(
            issue(&key, &subject(), 1_000, 600),
            token,
            "fresh jti each time"
        );
    }

    #[test]
    fn expired_and_foreign_tokens_are_400s() {
        let key = key(b"a master secret that is long enough");
        let token = issue(&key, &subject(), 1_000, 600);
        let err = verify(&key, &token, 1_601).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        let other = super::key(b"another master secret, long enough!");
        let err = verify(&other, &token, 1_000).unwrap_err();
        assert!(
            matches!(err, DomainError::BadRequest { ref code, .. } if code == "invalid_link_token")
        );
        // Signed with the right key but meant for something else.
        let foreign = jwt::sign(
            &serde_json::json!({"exp": 2_000, "tokenUse": "other"}),
            &key,
        );
        assert!(verify(&key, &foreign, 1_000).is_err());
        assert!(verify(&key, "not-a-token", 1_000).is_err());
    }
}
