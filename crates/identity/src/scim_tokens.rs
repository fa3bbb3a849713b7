//! SCIM tokens: bound to one org, for its identity provider on `/scim/v2` only. Only their
//! SHA-256 is stored; the secret is shown once, like API tokens (`tokens`).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::credential::{self, Issued, Listed};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::page::{Cursor, Page, Paging};
use roster_core::text::Text;
use roster_core::time::Timestamp;
use roster_core::{secret, DomainError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::scim_tokens;
use crate::{OrgId, ScimTokenId};

/// Prefix of SCIM token secrets.
pub const SCIM_TOKEN_PREFIX: &str = "rscim";

/// The bounds of a SCIM token's name.
pub const SCIM_TOKEN_NAME: Text = Text::new(1, 100);

/// `POST /api/v1/app/scim-tokens`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateScimTokenRequest {
    #[schema(schema_with = scim_token_name)]
    pub name: String,
}

fn scim_token_name() -> roster_core::schema::StringSchema {
    SCIM_TOKEN_NAME
        .schema()
        .description("What the token is for (\"Okta\").")
        .example("Okta")
}

/// A SCIM token as listed: never its secret.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = scim_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ScimToken {
    pub id: ScimTokenId,
    #[serde(skip)]
    pub org_id: OrgId,
    pub name: String,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A SCIM token just created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedScimToken {
    pub id: ScimTokenId,
    pub name: String,
    /// The secret, for `Authorization: Bearer …` on `/scim/v2`. It cannot be shown again.
    pub token: String,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// Who a SCIM token authenticates: its org, and the token (the actor of its writes).
#[derive(Debug, Clone, Queryable)]
pub struct ScimClient {
    pub org_id: OrgId,
    pub token_id: ScimTokenId,
}

/// Creates a SCIM token for an org, with its `scim_token.created` (the token as listed:
/// never its secret).
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    request: &CreateScimTokenRequest,
) -> DomainResult<CreatedScimToken> {
    let name = SCIM_TOKEN_NAME.parse("name", &request.name)?;
    let issued = Issued::new(SCIM_TOKEN_PREFIX);
    let token = conn
        .transaction::<_, DomainError, _>(async |conn| {
            let token = diesel::insert_into(scim_tokens::table)
                .values((
                    scim_tokens::org_id.eq(org_id),
                    scim_tokens::id.eq(ScimTokenId::generate()),
                    scim_tokens::name.eq(name),
                    scim_tokens::token_hash.eq(&issued.hash),
                    scim_tokens::created_at.eq(roster_core::time::now()),
                ))
                .returning(ScimToken::as_returning())
                .get_result(conn)
                .await?;
            let kind = EventType::ScimTokenCreated;
            let event = NewEvent::new(org_id.as_str(), kind, token.id.as_str(), &token)?;
            events::emit(conn, event).await?;
            Ok(token)
        })
        .await?;
    Ok(CreatedScimToken {
        id: token.id,
        name: token.name,
        token: issued.secret,
        created_at: token.created_at,
    })
}

/// The org's SCIM tokens, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    paging: &Paging,
) -> DomainResult<Page<ScimToken>> {
    let base = || {
        scim_tokens::table
            .filter(scim_tokens::org_id.eq(org_id))
            .into_boxed()
    };
    roster_core::credential_page!(conn, paging, base, ScimToken, scim_tokens).await
}

impl Listed for ScimToken {
    fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// Revokes (deletes) one of the org's SCIM tokens, with its `scim_token.revoked`; another
/// org's is a 404. It stops working at once: the trigger on `scim_tokens` tells every
/// gateway to drop it from its cache.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &ScimTokenId,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let deleted = diesel::delete(scim_tokens::table.find((org_id, id)))
            .returning(scim_tokens::id)
            .get_result::<ScimTokenId>(conn)
            .await
            .optional()?;
        credential::revoked(deleted, "scim_token")?;
        let kind = EventType::ScimTokenRevoked;
        events::emit_removed(conn, org_id.as_str(), kind, id.as_str()).await
    })
    .await
}

/// The org and token a SCIM token secret belongs to; anything else is a 401.
pub async fn authenticate(conn: &mut AsyncPgConnection, secret: &str) -> DomainResult<ScimClient> {
    let invalid = || {
        DomainError::unauthorized(
            "/scim/v2 takes a SCIM token (rscim_…) that is valid and not revoked: an AppAdmin \
             creates one with POST /api/v1/app/scim-tokens",
        )
    };
    if !secret.starts_with(&format!("{SCIM_TOKEN_PREFIX}_")) {
        return Err(invalid());
    }
    scim_tokens::table
        .filter(scim_tokens::token_hash.eq(secret::hash(secret)))
        .select((scim_tokens::org_id, scim_tokens::id))
        .first::<ScimClient>(conn)
        .await
        .optional()?
        .ok_or_else(invalid)
}
