//! External users: people on a channel of a workspace, known by an external reference
//! and/or an identifier, each with a super identity shared across channels.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::keys::identity_key;
use roster_core::metadata::{self, metadata_apply, Metadata};
use roster_core::schema::StringSchema;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::events;
use crate::schema::external_users as users;
use crate::super_identities;
use crate::{ChannelId, GroupId, SuperIdentityId, TierId, UserId, WorkspaceId};

mod list;
mod requests;

pub use list::{list, ExternalUserFilter};

pub(crate) use requests::{external_id, identifier};
pub use requests::{
    CreateExternalUserRequest, ExternalUserChanges, NewExternalUser, UpdateExternalUserRequest,
};

#[derive(
    Debug, Clone, PartialEq, Eq, Queryable, QueryableByName, Selectable, Serialize, ToSchema,
)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
#[serde(rename_all = "camelCase")]
pub struct ExternalUser {
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub created_at: Timestamp,
    pub id: UserId,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub updated_at: Timestamp,
    /// Whether the external user is blocked.
    pub blocked: bool,
    /// The ID of the channel associated with the external user.
    pub channel_id: ChannelId,
    #[schema(schema_with = external_user_external_id)]
    pub external_id: Option<String>,
    /// The ID of the external user group associated with the external user.
    pub external_user_group_id: Option<GroupId>,
    /// A unique identifier of the external user (usernames, emails, phone numbers and etc).
    #[schema(example = "ada@example.com")]
    pub identifier: Option<String>,
    #[schema(schema_with = external_user_name)]
    pub name: Option<String>,
    /// The ID of the super identity associated with the external user.
    pub super_identity_id: SuperIdentityId,
    /// The ID of the tier associated with the external user.
    pub tier_id: Option<TierId>,
    /// The ID of the workspace associated with the external user.
    pub workspace_id: WorkspaceId,
    #[schema(schema_with = metadata::schema)]
    pub metadata: Metadata,
}

roster_core::versioned!(ExternalUser);

fn external_user_external_id() -> StringSchema {
    external_id().example("crm-contact-20931")
}

fn external_user_name() -> StringSchema {
    requests::name().example("Ada Lovelace")
}

/// 404 for a channel that is not in the workspace (worded as the Zaia API words it).
pub fn channel_not_found() -> DomainError {
    DomainError::NotFound {
        code: "channel_not_found".into(),
        detail: "Channel not found".into(),
    }
}

pub(crate) fn not_found() -> DomainError {
    DomainError::not_found("external_user")
}

/// Unique, foreign-key and metadata violations, by constraint name.
fn write_error(e: diesel::result::Error) -> DomainError {
    if let Some(err) = metadata::write_error(&e, "metadata") {
        return err;
    }
    match violated_constraint(&e) {
        Some("external_users_channel_external_id_key") => DomainError::conflict(
            "external_id_taken",
            "an external user with this externalId already exists in this channel",
        )
        .on_field("externalId", "already taken"),
        Some("external_users_channel_identifier_key") => DomainError::conflict(
            "identifier_taken",
            "an external user with this identifier already exists in this channel",
        )
        .on_field("identifier", "already taken"),
        Some("external_users_channel_fkey") => channel_not_found(),
        Some("external_users_tier_fkey") => DomainError::not_found("tier"),
        Some("external_users_group_fkey") => DomainError::not_found("external_user_group"),
        _ => e.into(),
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct UserRow {
    workspace_id: WorkspaceId,
    id: UserId,
    channel_id: ChannelId,
    super_identity_id: SuperIdentityId,
    tier_id: Option<TierId>,
    external_user_group_id: Option<GroupId>,
    external_id: Option<String>,
    identifier: Option<String>,
    identifier_key: Option<String>,
    name: Option<String>,
    blocked: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
    metadata: Metadata,
}

impl UserRow {
    /// The row of a new user, with the super identity it joins (whether that was created
    /// for it too).
    async fn of(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        new: NewExternalUser,
    ) -> DomainResult<(Self, bool)> {
        let (super_identity_id, created) = super_identities::for_new_user(
            conn,
            workspace_id,
            new.channel_id,
            new.identifier.as_deref(),
        )
        .await?;
        Ok((Self::new(workspace_id, super_identity_id, new), created))
    }

    fn new(
        workspace_id: WorkspaceId,
        super_identity_id: SuperIdentityId,
        new: NewExternalUser,
    ) -> Self {
        let now = roster_core::time::now();
        Self {
            workspace_id,
            id: UserId::generate(),
            channel_id: new.channel_id,
            super_identity_id,
            tier_id: new.tier_id,
            external_user_group_id: new.external_user_group_id,
            external_id: new.external_id,
            identifier_key: new.identifier.as_deref().map(identity_key),
            identifier: new.identifier,
            name: new.name,
            blocked: false,
            created_at: now,
            updated_at: now,
            metadata: new.metadata,
        }
    }
}

/// Creates an external user. A duplicate externalId or identifier in the channel is a
/// 409 and a channel, tier or group not in the workspace a 404, all decided by the
/// database's constraints.
pub async fn create(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    new: NewExternalUser,
) -> DomainResult<ExternalUser> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let (row, _) = UserRow::of(conn, workspace_id, new).await?;
        let user = diesel::insert_into(users::table)
            .values(row)
            .returning(ExternalUser::as_returning())
            .get_result(conn)
            .await
            .map_err(write_error)?;
        let kind = EventType::ExternalUserCreated;
        events::emit(conn, workspace_id, kind, &user.id, &user).await?;
        Ok(user)
    })
    .await
}

/// Creates an external user unless one with the same externalId or identifier exists in
/// the channel (then `None`: the caller looks it up again). Never a 409, so concurrent
/// callers for one new user all end up with the one that won.
pub(crate) async fn create_if_absent(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    new: NewExternalUser,
) -> DomainResult<Option<ExternalUser>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let (row, created) = UserRow::of(conn, workspace_id, new).await?;
        let super_identity_id = row.super_identity_id;
        let user = diesel::insert_into(users::table)
            .values(row)
            .on_conflict_do_nothing()
            .returning(ExternalUser::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(write_error)?;
        match &user {
            Some(user) => {
                let kind = EventType::ExternalUserAuthenticatedCreated;
                events::emit(conn, workspace_id, kind, &user.id, user).await?;
            }
            None if created => {
                super_identities::discard(conn, workspace_id, super_identity_id).await?;
            }
            None => {}
        }
        Ok(user)
    })
    .await
}

/// An external user of this workspace; anyone else's is a 404.
pub async fn get(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: UserId,
) -> DomainResult<ExternalUser> {
    find(conn, workspace_id, id).await?.ok_or_else(not_found)
}

pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: UserId,
) -> DomainResult<Option<ExternalUser>> {
    Ok(users::table
        .find((workspace_id, id))
        .select(ExternalUser::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// How `authenticate` recognises a returning user in a channel.
pub(crate) enum Key<'a> {
    Id(UserId),
    ExternalId(&'a str),
    Identifier(&'a str),
}

pub(crate) async fn find_in_channel(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    channel_id: ChannelId,
    key: Key<'_>,
) -> DomainResult<Option<ExternalUser>> {
    let query = users::table
        .filter(users::workspace_id.eq(workspace_id))
        .filter(users::channel_id.eq(channel_id))
        .select(ExternalUser::as_select())
        .into_boxed();
    let query = match key {
        Key::Id(id) => query.filter(users::id.eq(id)),
        Key::ExternalId(external_id) => query.filter(users::external_id.eq(external_id)),
        Key::Identifier(identifier) => {
            query.filter(users::identifier_key.eq(identity_key(identifier)))
        }
    };
    Ok(query.first(conn).await.optional()?)
}

/// Applies a partial update; duplicates are 409s and unknown tiers or groups 404s.
pub async fn update(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: UserId,
    changes: ExternalUserChanges,
    pre: &Precondition,
) -> DomainResult<ExternalUser> {
    let identifier_key = changes
        .identifier
        .as_ref()
        .map(|identifier| users::identifier_key.eq(identifier.as_deref().map(identity_key)));
    conn.transaction::<_, DomainError, _>(async |conn| {
        let (was_blocked, version): (bool, Timestamp) = users::table
            .find((workspace_id, id))
            .select((users::blocked, users::updated_at))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        pre.check(version)?;
        let metadata = changes.metadata.clone().map(|update| {
            let (replace, set, remove) = update.into_parts();
            users::metadata.eq(metadata_apply(users::metadata, replace, set, remove))
        });
        let user = diesel::update(users::table.find((workspace_id, id)))
            .set((
                &changes,
                identifier_key,
                metadata,
                users::updated_at.eq(roster_core::time::now()),
            ))
            .returning(ExternalUser::as_returning())
            .get_result(conn)
            .await
            .map_err(write_error)?;
        let kind = match (was_blocked, user.blocked) {
            (false, true) => EventType::ExternalUserBlocked,
            (true, false) => EventType::ExternalUserUnblocked,
            _ => EventType::ExternalUserUpdated,
        };
        events::emit(conn, workspace_id, kind, &user.id, &user).await?;
        Ok(user)
    })
    .await
}
