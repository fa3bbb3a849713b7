//! Authentication of external users: find or create the user a channel knows, and hand
//! out a short-lived signed access token that a resource server can check with `/me`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::jwt::{self, JwtError};
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::input::{self, Errors, EXTERNAL_ID, IDENTIFIER};
use crate::schema::{external_api_keys, external_users};
use crate::users::{self, ExternalUser, Key, NewExternalUser};
use crate::workspaces::KeyHolder;
use crate::{channels, ApiKeyId, ChannelId, SuperIdentityId, UserId, WorkspaceId};

/// How long an access token lives.
pub const ACCESS_TOKEN_LIFETIME_SECS: i64 = 3600;
/// The `derive_key` purpose of access-token keys.
pub const KEY_PURPOSE: &str = "external-access";
const ISSUER: &str = "roster";
const AUDIENCE: &str = "external-users";
/// Clock skew tolerated when checking a token.
const LEEWAY_SECS: i64 = 30;
/// Losing a creation race means the winner's row is visible on the next look; a third
/// loss in a row would be a bug, not contention.
const ATTEMPTS: usize = 3;

/// The key that signs access tokens, derived from the master secret (`ROSTER_SECRET`).
pub fn signing_key(master: &[u8]) -> [u8; 32] {
    jwt::derive_key(master, KEY_PURPOSE)
}

/// `POST /api/v1/external-users/authenticate`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthenticateRequest {
    /// The channel the user is on.
    pub channel_id: ChannelId,
    #[serde(default)]
    #[schema(schema_with = users::external_id)]
    pub external_id: Option<String>,
    /// An external user id returned earlier.
    #[serde(default)]
    pub id: Option<UserId>,
    #[serde(default)]
    #[schema(schema_with = users::identifier)]
    pub identifier: Option<String>,
}

/// An authentication request that passed validation: at least one way to recognise the
/// user.
#[derive(Debug, Clone)]
pub struct Authenticate {
    pub channel_id: ChannelId,
    pub id: Option<UserId>,
    pub external_id: Option<String>,
    pub identifier: Option<String>,
}

impl TryFrom<AuthenticateRequest> for Authenticate {
    type Error = DomainError;

    fn try_from(r: AuthenticateRequest) -> DomainResult<Self> {
        let mut errors = Errors::default();
        let external_id = input::optional(&mut errors, r.external_id, |v| {
            EXTERNAL_ID.parse("externalId", v)
        });
        let identifier = input::optional(&mut errors, r.identifier, |v| {
            IDENTIFIER.parse("identifier", v)
        });
        errors.finish()?;
        if r.id.is_none() && external_id.is_none() && identifier.is_none() {
            return Err(DomainError::bad_request(
                "user_reference_required",
                "send at least one of id, externalId and identifier",
            ));
        }
        Ok(Self {
            channel_id: r.channel_id,
            id: r.id,
            external_id,
            identifier,
        })
    }
}

/// The user and a fresh access token for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatedExternalUser {
    #[serde(flatten)]
    pub user: ExternalUser,
    /// A signed JWT (HS256) for `GET /api/v1/external-users/me`, valid for one hour.
    pub access_token: String,
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The external user.
    pub sub: UserId,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub super_identity_id: SuperIdentityId,
    /// The API key the token was issued through: revoking it ends the token.
    pub api_key_id: ApiKeyId,
    pub iat: i64,
    pub exp: i64,
}

/// Signs an access token for `user`, issued through API key `api_key_id` at `now_unix`.
pub fn issue(user: &ExternalUser, api_key_id: ApiKeyId, key: &[u8], now_unix: i64) -> String {
    jwt::sign(
        &AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.id,
            workspace_id: user.workspace_id,
            channel_id: user.channel_id,
            super_identity_id: user.super_identity_id,
            api_key_id,
            iat: now_unix,
            exp: now_unix + ACCESS_TOKEN_LIFETIME_SECS,
        },
        key,
    )
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn ensure_not_blocked(user: ExternalUser) -> DomainResult<ExternalUser> {
    if user.blocked {
        return Err(DomainError::forbidden(
            "external_user_blocked",
            "this external user is blocked",
        ));
    }
    Ok(user)
}

/// Finds the user by `id`, else by (channel, externalId), else by (channel, identifier),
/// creating it when none matches and an externalId or identifier was given. Unknown
/// channel: 404; blocked user: 403. Concurrent calls for one new user create it once.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    caller: KeyHolder,
    request: Authenticate,
    key: &[u8],
) -> DomainResult<AuthenticatedExternalUser> {
    let workspace_id = caller.workspace_id;
    let signed = |user: ExternalUser| {
        let access_token = issue(&user, caller.key_id, key, unix_now());
        Ok(AuthenticatedExternalUser { user, access_token })
    };
    channels::get(conn, workspace_id, request.channel_id)
        .await
        .map_err(|e| {
            if e.is_not_found() {
                users::channel_not_found()
            } else {
                e
            }
        })?;
    for _ in 0..ATTEMPTS {
        if let Some(user) = recognise(conn, workspace_id, &request).await? {
            return signed(ensure_not_blocked(user)?);
        }
        if request.external_id.is_none() && request.identifier.is_none() {
            return Err(users::not_found());
        }
        let new = NewExternalUser {
            channel_id: request.channel_id,
            external_id: request.external_id.clone(),
            external_user_group_id: None,
            identifier: request.identifier.clone(),
            name: None,
            tier_id: None,
            metadata: Default::default(),
        };
        if let Some(user) = users::create_if_absent(conn, workspace_id, new).await? {
            return signed(user);
        }
    }
    Err(DomainError::unavailable(
        "the request conflicted with concurrent ones; retry",
    ))
}

async fn recognise(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    r: &Authenticate,
) -> DomainResult<Option<ExternalUser>> {
    let keys = [
        r.id.map(Key::Id),
        r.external_id.as_deref().map(Key::ExternalId),
        r.identifier.as_deref().map(Key::Identifier),
    ];
    for key in keys.into_iter().flatten() {
        if let Some(user) = users::find_in_channel(conn, workspace_id, r.channel_id, key).await? {
            return Ok(Some(user));
        }
    }
    Ok(None)
}

/// The user an access token was issued to, as it is now: an invalid or expired token, or
/// one whose API key was revoked since, is a 401; a user blocked since is a 403 at once.
pub async fn me(
    conn: &mut AsyncPgConnection,
    token: &str,
    key: &[u8],
) -> DomainResult<ExternalUser> {
    let claims: AccessClaims = jwt::verify(token, key, unix_now(), LEEWAY_SECS).map_err(|e| {
        DomainError::unauthorized(match e {
            JwtError::Expired => "the access token has expired",
            _ => "the access token is invalid",
        })
    })?;
    if claims.iss != ISSUER || claims.aud != AUDIENCE {
        return Err(DomainError::unauthorized("the access token is invalid"));
    }
    // One statement, two primary-key probes: the user, provided its token's key lives.
    let key_lives = diesel::dsl::exists(
        external_api_keys::table.find((claims.workspace_id, claims.api_key_id)),
    );
    let user = external_users::table
        .find((claims.workspace_id, claims.sub))
        .filter(key_lives)
        .select(ExternalUser::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| {
            DomainError::unauthorized("the access token is invalid, or its API key was revoked")
        })?;
    ensure_not_blocked(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> DomainResult<Authenticate> {
        let r: AuthenticateRequest = serde_json::from_value(json)
            .map_err(|e| DomainError::bad_request("invalid_json", e.to_string()))?;
        Authenticate::try_from(r)
    }

    #[test]
    fn needs_one_way_to_recognise_the_user() {
        let channel = ChannelId::generate().to_string();
        assert!(request(serde_json::json!({"channelId": channel, "externalId": null, "id": null, "identifier": null})).is_err());
        assert!(request(serde_json::json!({"channelId": channel})).is_err());
        assert!(request(
            serde_json::json!({"channelId": channel, "identifier": "ada@example.com"})
        )
        .is_ok());
        assert!(request(serde_json::json!({"channelId": channel, "externalId": "ab"})).is_err());
    }

    #[test]
    fn tokens_carry_the_user_and_expire_in_an_hour() {
        let key = signing_key(b"0123456789abcdef0123456789abcdef");
        let user = ExternalUser {
            created_at: roster_core::time::now(),
            id: UserId::generate(),
            updated_at: roster_core::time::now(),
            blocked: false,
            channel_id: ChannelId::generate(),
            external_id: None,
            external_user_group_id: None,
            identifier: Some("ada@example.com".into()),
            name: None,
            super_identity_id: SuperIdentityId::generate(),
            tier_id: None,
            workspace_id: WorkspaceId::generate(),
            metadata: Default::default(),
        };
        let api_key_id = ApiKeyId::generate();
        let token = issue(&user, api_key_id, &key, 1_000);
        let claims: AccessClaims = jwt::verify(&token, &key, 1_000, 0).unwrap();
        assert_eq!(claims.sub, user.id);
        assert_eq!(claims.workspace_id, user.workspace_id);
        assert_eq!(claims.channel_id, user.channel_id);
        assert_eq!(claims.super_identity_id, user.super_identity_id);
        assert_eq!(claims.api_key_id, api_key_id);
        assert_eq!(claims.exp, 1_000 + 3600);
        assert!(jwt::verify::<AccessClaims>(&token, &key, 1_000 + 3601, 0).is_err());
        let other = signing_key(b"another master secret, long enough");
        assert!(jwt::verify::<AccessClaims>(&token, &other, 1_000, 0).is_err());
    }
}
