//! Workspaces (the tenants of the external family, each owned by an org) and their API
//! keys. Managed through the App family, so their wire types use its snake_case names.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::credential::{self, Issued, Listed};
use roster_core::db::OrNotFound;
use roster_core::error::DomainResult;
use roster_core::events::EventType;
use roster_core::page::{Cursor, Page, Paging};
use roster_core::schema::StringSchema;
use roster_core::text::Text;
use roster_core::time::Timestamp;
use roster_core::{secret, DomainError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::events;
use crate::schema::{external_api_keys, external_workspaces};
use crate::{ApiKeyId, WorkspaceId};

/// Prefix of API keys: `rxk_<workspace id as 32 hex digits>_<secret>`.
pub const API_KEY_PREFIX: &str = "rxk";

#[roster_core::time::timestamps(seconds)]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = external_workspaces, check_for_backend(diesel::pg::Pg))]
pub struct Workspace {
    pub id: WorkspaceId,
    #[schema(example = "org_4b7c2a1d9e5f3c8b")]
    pub org_id: String,
    #[schema(example = "Support site")]
    pub name: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

roster_core::versioned!(Workspace);

/// An API key as listed: never its secret.
#[roster_core::time::timestamps(seconds)]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = external_api_keys, check_for_backend(diesel::pg::Pg))]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub workspace_id: WorkspaceId,
    #[schema(example = "website widget")]
    pub name: String,
    pub created_at: Timestamp,
}

/// An API key just created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The key, for the `authorization` header of the external family. It cannot be
    /// shown again.
    pub secret: String,
}

/// `POST /api/v1/app/workspaces` and `POST /api/v1/app/workspaces/{id}/api-keys`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    #[schema(schema_with = workspace_name)]
    pub name: String,
}

/// Of workspaces and of their API keys.
const NAME: Text = Text::new(1, 100);

fn workspace_name() -> StringSchema {
    NAME.schema().description(format!("{NAME}."))
}

impl NameRequest {
    pub fn parse(&self) -> DomainResult<String> {
        NAME.parse("name", &self.name)
    }
}

/// Creates a workspace in an org.
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    name: &str,
) -> DomainResult<Workspace> {
    let now = roster_core::time::now();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let workspace = diesel::insert_into(external_workspaces::table)
            .values((
                external_workspaces::id.eq(WorkspaceId::generate()),
                external_workspaces::org_id.eq(org_id),
                external_workspaces::name.eq(name),
                external_workspaces::created_at.eq(now),
                external_workspaces::updated_at.eq(now),
            ))
            .returning(Workspace::as_returning())
            .get_result(conn)
            .await?;
        let kind = EventType::WorkspaceCreated;
        events::emit(conn, workspace.id, kind, &workspace.id, &workspace).await?;
        Ok(workspace)
    })
    .await
}

/// A workspace of this org; another org's is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    id: WorkspaceId,
) -> DomainResult<Workspace> {
    external_workspaces::table
        .find(id)
        .filter(external_workspaces::org_id.eq(org_id))
        .select(Workspace::as_select())
        .first(conn)
        .await
        .or_not_found("workspace")
}

/// The workspaces of an org.
#[diesel::dsl::auto_type(no_type_alias)]
fn of_org<'a>(org_id: &'a str) -> _ {
    external_workspaces::table.filter(external_workspaces::org_id.eq(org_id))
}

/// An org's workspaces, oldest first, by offset pages as credentials are listed.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    paging: &Paging,
) -> DomainResult<Page<Workspace>> {
    let base = || of_org(org_id);
    roster_core::credential_page!(conn, paging, base, Workspace, external_workspaces).await
}

impl Listed for Workspace {
    fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// A fresh key secret that names its workspace.
fn new_secret(workspace_id: WorkspaceId) -> Issued {
    Issued::new(&format!("{API_KEY_PREFIX}_{}", workspace_id.0.simple()))
}

/// The workspace a key secret names, if it is shaped like a key at all.
fn workspace_named_by(secret: &str) -> Option<WorkspaceId> {
    let rest = secret.strip_prefix(API_KEY_PREFIX)?.strip_prefix('_')?;
    let (hex, tail) = (rest.get(..32)?, rest.get(32..)?);
    if !tail.starts_with('_') || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    uuid::Uuid::try_parse(hex).ok().map(WorkspaceId)
}

/// Creates an API key for a workspace of this org; the secret is in the result only.
pub async fn create_key(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    workspace_id: WorkspaceId,
    name: &str,
) -> DomainResult<CreatedApiKey> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let workspace = get(conn, org_id, workspace_id).await?;
        insert_key(conn, workspace.id, name).await
    })
    .await
}

async fn insert_key(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    name: &str,
) -> DomainResult<CreatedApiKey> {
    let issued = new_secret(workspace_id);
    let key = diesel::insert_into(external_api_keys::table)
        .values((
            external_api_keys::workspace_id.eq(workspace_id),
            external_api_keys::id.eq(ApiKeyId::generate()),
            external_api_keys::name.eq(name),
            external_api_keys::key_hash.eq(&issued.hash),
            external_api_keys::created_at.eq(roster_core::time::now()),
        ))
        .returning(ApiKey::as_returning())
        .get_result(conn)
        .await?;
    // The key's metadata only: its secret is in the answer, never in an event.
    events::emit(conn, workspace_id, EventType::ApiKeyCreated, &key.id, &key).await?;
    Ok(CreatedApiKey {
        key,
        secret: issued.secret,
    })
}

/// The API keys of a workspace of this org, oldest first.
pub async fn list_keys(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    workspace_id: WorkspaceId,
    paging: &Paging,
) -> DomainResult<Page<ApiKey>> {
    let workspace = get(conn, org_id, workspace_id).await?;
    let base = || external_api_keys::table.filter(external_api_keys::workspace_id.eq(workspace.id));
    roster_core::credential_page!(conn, paging, base, ApiKey, external_api_keys).await
}

impl Listed for ApiKey {
    fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// Revokes (deletes) a key: it stops working at once, and so do the access tokens it
/// issued (`access::me` asks for their key). Unknown or foreign: 404.
pub async fn revoke_key(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    workspace_id: WorkspaceId,
    key_id: ApiKeyId,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let workspace = get(conn, org_id, workspace_id).await?;
        let deleted = diesel::delete(external_api_keys::table.find((workspace.id, key_id)))
            .returning(external_api_keys::id)
            .get_result::<ApiKeyId>(conn)
            .await
            .optional()?;
        credential::revoked(deleted, "api_key")?;
        events::removed(conn, workspace.id, EventType::ApiKeyRevoked, &key_id).await
    })
    .await
}

/// A live API key, as a caller presented it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct KeyHolder {
    pub workspace_id: WorkspaceId,
    /// The key, which the access tokens it has issued name.
    pub key_id: ApiKeyId,
}

/// The workspace and key an API key secret is; unknown or revoked keys are a 401.
pub async fn authenticate_key(
    conn: &mut AsyncPgConnection,
    secret: &str,
) -> DomainResult<KeyHolder> {
    let invalid = || DomainError::unauthorized("the API key is invalid or revoked");
    let workspace_id = workspace_named_by(secret).ok_or_else(invalid)?;
    external_api_keys::table
        .filter(external_api_keys::workspace_id.eq(workspace_id))
        .filter(external_api_keys::key_hash.eq(secret::hash(secret)))
        .select((external_api_keys::workspace_id, external_api_keys::id))
        .first(conn)
        .await
        .optional()?
        .ok_or_else(invalid)
}

/// First-run setup for an org: its oldest workspace (a `Default` one is created when it
/// has none) and a fresh API key named `bootstrap`.
pub async fn bootstrap(
    conn: &mut AsyncPgConnection,
    org_id: &str,
) -> DomainResult<(Workspace, CreatedApiKey)> {
    let org_id = org_id.to_owned();
    conn.transaction::<_, DomainError, _>(async |conn| {
        // Two bootstraps at once must not both create a first workspace.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(format!("external-workspaces:{org_id}"))
            .execute(conn)
            .await?;
        let existing = external_workspaces::table
            .filter(external_workspaces::org_id.eq(&org_id))
            .order((
                external_workspaces::created_at.asc(),
                external_workspaces::id.asc(),
            ))
            .select(Workspace::as_select())
            .first(conn)
            .await
            .optional()?;
        let workspace = match existing {
            Some(w) => w,
            None => create(conn, &org_id, "Default").await?,
        };
        let key = insert_key(conn, workspace.id, "bootstrap").await?;
        Ok((workspace, key))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_workspace() {
        let ws = WorkspaceId::generate();
        let key = new_secret(ws).secret;
        assert!(key.starts_with("rxk_"), "{key}");
        assert_eq!(workspace_named_by(&key), Some(ws));
        assert_eq!(workspace_named_by("rxk_nope"), None);
        assert_eq!(workspace_named_by(""), None);
        assert_eq!(workspace_named_by(&key.replacen("rxk", "rpat", 1)), None);
        let cut = &key[..4 + 32];
        assert_eq!(workspace_named_by(cut), None);
    }
}
