//! The bodies that create and change external users, and their parsing.

use diesel::prelude::*;
use roster_core::error::DomainResult;
use roster_core::metadata::{self, Metadata, MetadataUpdate, RawMetadata};
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::input::{self, Errors, EXTERNAL_ID, IDENTIFIER, NAME};
use crate::schema::external_users as users;
use crate::{ChannelId, GroupId, TierId};

/// Also `AuthenticateRequest`'s.
pub(crate) fn external_id() -> StringSchema {
    input::nullable_external_id().description("External reference in the integrated system.")
}

/// Also `AuthenticateRequest`'s.
pub(crate) fn identifier() -> StringSchema {
    input::nullable_identifier().description(
        "A unique identifier of the external user (usernames, emails, phone numbers and etc).",
    )
}

pub(super) fn name() -> StringSchema {
    input::nullable_name().description("The display name of the external user.")
}

/// `POST /api/v1/external-users`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateExternalUserRequest {
    /// The ID of the channel associated with the external user.
    pub channel_id: ChannelId,
    #[serde(default)]
    #[schema(schema_with = external_id)]
    pub external_id: Option<String>,
    /// The ID of the external user group associated with the external user.
    #[serde(default)]
    pub external_user_group_id: Option<GroupId>,
    #[serde(default)]
    #[schema(schema_with = identifier)]
    pub identifier: Option<String>,
    #[serde(default)]
    #[schema(schema_with = name)]
    pub name: Option<String>,
    /// The ID of the tier associated with the external user.
    #[serde(default)]
    pub tier_id: Option<TierId>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = metadata::create_schema)]
    pub metadata: Option<RawMetadata>,
}

/// `PATCH /api/v1/external-users/{id}`: partial; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateExternalUserRequest {
    /// Whether the external user is blocked.
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub blocked: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = input::nullable_external_id)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<GroupId>)]
    pub external_user_group_id: Option<Option<GroupId>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = input::nullable_identifier)]
    pub identifier: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = input::nullable_name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<TierId>)]
    pub tier_id: Option<Option<TierId>>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = metadata::merge_schema)]
    pub metadata: Option<RawMetadata>,
}

/// An external user to create, validated.
#[derive(Debug, Clone)]
pub struct NewExternalUser {
    pub channel_id: ChannelId,
    pub external_id: Option<String>,
    pub external_user_group_id: Option<GroupId>,
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub tier_id: Option<TierId>,
    pub metadata: Metadata,
}

impl TryFrom<CreateExternalUserRequest> for NewExternalUser {
    type Error = DomainError;

    fn try_from(r: CreateExternalUserRequest) -> DomainResult<Self> {
        let mut errors = Errors::default();
        let external_id = input::optional(&mut errors, r.external_id, |v| {
            EXTERNAL_ID.parse("externalId", v)
        });
        let identifier = input::optional(&mut errors, r.identifier, |v| {
            IDENTIFIER.parse("identifier", v)
        });
        let name = input::optional(&mut errors, r.name, |v| NAME.parse("name", v));
        let metadata = errors.take(Metadata::parse("metadata", r.metadata.unwrap_or_default()));
        errors.finish()?;
        Ok(Self {
            channel_id: r.channel_id,
            external_id,
            external_user_group_id: r.external_user_group_id,
            identifier,
            name,
            tier_id: r.tier_id,
            metadata: metadata.unwrap_or_default(),
        })
    }
}

/// Changes to an external user; `None` leaves a field, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct ExternalUserChanges {
    pub blocked: Option<bool>,
    pub external_id: Option<Option<String>>,
    pub external_user_group_id: Option<Option<GroupId>>,
    pub identifier: Option<Option<String>>,
    pub name: Option<Option<String>>,
    pub tier_id: Option<Option<TierId>>,
    /// Merged (`roster_core::metadata`).
    #[diesel(skip_update)]
    pub metadata: Option<MetadataUpdate>,
}

impl TryFrom<UpdateExternalUserRequest> for ExternalUserChanges {
    type Error = DomainError;

    fn try_from(r: UpdateExternalUserRequest) -> DomainResult<Self> {
        let mut errors = Errors::default();
        let changes = Self {
            blocked: r.blocked,
            external_id: patch::check(&mut errors, r.external_id, |v| {
                EXTERNAL_ID.parse("externalId", &v)
            }),
            external_user_group_id: r.external_user_group_id,
            identifier: patch::check(&mut errors, r.identifier, |v| {
                IDENTIFIER.parse("identifier", &v)
            }),
            name: patch::check(&mut errors, r.name, |v| NAME.parse("name", &v)),
            tier_id: r.tier_id,
            metadata: r
                .metadata
                .and_then(|m| errors.take(MetadataUpdate::merge("metadata", m))),
        };
        errors.finish()?;
        if changes.blocked.is_none()
            && changes.external_id.is_none()
            && changes.external_user_group_id.is_none()
            && changes.identifier.is_none()
            && changes.name.is_none()
            && changes.tier_id.is_none()
            && changes.metadata.is_none()
        {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}
