//! API tokens: belong to an account; only their SHA-256 is stored, the secret is shown once.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::credential::{self, Issued, Listed};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::page::{Cursor, Page, Paging};
use roster_core::time::Timestamp;
use roster_core::{secret, DomainError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::api_tokens;
use crate::{AccountId, OrgId, TokenId};

/// Prefix of API token secrets.
pub const TOKEN_PREFIX: &str = "rpat";

/// A token as listed: never its secret.
#[roster_core::time::timestamps(seconds)]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiToken {
    pub id: TokenId,
    pub account_id: AccountId,
    pub name: String,
    pub created_at: Timestamp,
    #[serde(with = "roster_core::time::seconds::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The secret, for `Authorization: Bearer …`. It cannot be shown again.
    pub secret: String,
}

/// Creates a token for an account, made in org `org_id` (whose audit log records its
/// `token.created`, with the token's metadata: never its secret); `expires_at` `None`
/// never expires.
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: &AccountId,
    name: &str,
    expires_at: Option<Timestamp>,
) -> DomainResult<CreatedToken> {
    let issued = Issued::new(TOKEN_PREFIX);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let token = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(TokenId::generate()),
                api_tokens::account_id.eq(account_id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(&issued.hash),
                api_tokens::created_at.eq(roster_core::time::now()),
                api_tokens::expires_at.eq(expires_at),
            ))
            .returning(ApiToken::as_returning())
            .get_result(conn)
            .await?;
        let event = NewEvent::new(
            org_id.as_str(),
            EventType::TokenCreated,
            token.id.as_str(),
            &token,
        )?;
        events::emit(conn, event).await?;
        Ok(CreatedToken {
            token,
            secret: issued.secret,
        })
    })
    .await
}

/// An account's tokens, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    paging: &Paging,
) -> DomainResult<Page<ApiToken>> {
    let base = || {
        api_tokens::table
            .filter(api_tokens::account_id.eq(account_id))
            .into_boxed()
    };
    roster_core::credential_page!(conn, paging, base, ApiToken, api_tokens).await
}

impl Listed for ApiToken {
    fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// Revokes (deletes) one of the account's tokens, in org `org_id` (whose audit log
/// records its `token.revoked`); someone else's token is a 404. Returns the revoked
/// token's hash, so that caches of credentials can drop it.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: &AccountId,
    id: &TokenId,
) -> DomainResult<Vec<u8>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let deleted = diesel::delete(
            api_tokens::table
                .find(id)
                .filter(api_tokens::account_id.eq(account_id)),
        )
        .returning(api_tokens::token_hash)
        .get_result(conn)
        .await
        .optional()?;
        let hash = credential::revoked(deleted, "token")?;
        events::emit_removed(conn, org_id.as_str(), EventType::TokenRevoked, id.as_str()).await?;
        Ok(hash)
    })
    .await
}

/// The account a token secret belongs to and when the token expires, if it is known and
/// not expired.
pub async fn account_of(
    conn: &mut AsyncPgConnection,
    token: &str,
) -> DomainResult<Option<(AccountId, Option<Timestamp>)>> {
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(secret::hash(token)))
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(diesel::dsl::now)),
        )
        .select((api_tokens::account_id, api_tokens::expires_at))
        .first(conn)
        .await
        .optional()?)
}
