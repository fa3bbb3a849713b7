//! Super identities: the one person behind external users on several channels of a
//! workspace, recognised by the same identifier (the same identity key,
//! [`roster_core::keys`]).

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::keys::identity_key;

use crate::schema::{external_super_identities as identities, external_users as users};
use crate::{ChannelId, SuperIdentityId, WorkspaceId};

/// The super identity for a new user on `channel_id`: that of the oldest user with the
/// same identifier (by identity key) on another channel of the workspace, else a new
/// one (the flag says so). Joins for one identifier are serialised by an advisory lock
/// held until the transaction ends, so concurrent first sightings share one identity.
pub(crate) async fn for_new_user(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    channel_id: ChannelId,
    identifier: Option<&str>,
) -> DomainResult<(SuperIdentityId, bool)> {
    if let Some(identifier) = identifier {
        let key = identity_key(identifier);
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1 || $2, 0))")
            .bind::<Text, _>(format!("external-identifier:{workspace_id}:"))
            .bind::<Text, _>(&key)
            .execute(conn)
            .await?;
        let existing: Option<SuperIdentityId> = users::table
            .filter(users::workspace_id.eq(workspace_id))
            .filter(users::identifier_key.eq(&key))
            .filter(users::channel_id.ne(channel_id))
            .order((users::created_at.asc(), users::id.asc()))
            .select(users::super_identity_id)
            .first(conn)
            .await
            .optional()?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
    }
    let id = SuperIdentityId::generate();
    diesel::insert_into(identities::table)
        .values((
            identities::workspace_id.eq(workspace_id),
            identities::id.eq(id),
            identities::created_at.eq(roster_core::time::now()),
        ))
        .execute(conn)
        .await?;
    Ok((id, true))
}

/// Removes a super identity made for a user that was not created after all.
pub(crate) async fn discard(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: SuperIdentityId,
) -> DomainResult<()> {
    diesel::delete(identities::table.find((workspace_id, id)))
        .execute(conn)
        .await?;
    Ok(())
}
