//! An external user of an import file checked by the rules the API enforces (bounds, a
//! channel, tier and group of the workspace).

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::imports::{ExternalKeys, LineError};
use roster_core::keys::identity_key;
use roster_core::time::Timestamp;
use roster_core::DomainError;

use super::raw::RawExternalUser;
use super::refs::{Catalogue, Refs};
use crate::input::{EXTERNAL_ID, IDENTIFIER, NAME};
use crate::{ChannelId, GroupId, TierId, WorkspaceId};

/// An external user ready to write.
#[derive(Debug, Clone)]
pub struct ExternalUserRow {
    pub line: u64,
    pub channel_id: ChannelId,
    pub external_id: Option<String>,
    pub identifier: Option<String>,
    /// `identifier`'s identity key: what it is unique on in the channel.
    pub identifier_key: Option<String>,
    pub name: Option<String>,
    pub tier_id: Option<TierId>,
    pub external_user_group_id: Option<GroupId>,
    pub blocked: bool,
    pub created_at: Option<Timestamp>,
}

impl ExternalUserRow {
    /// An error on this row's line, with its keys.
    pub fn error(&self, code: &str, message: &str) -> LineError {
        LineError {
            keys: ExternalKeys::of(self.external_id.clone(), self.identifier.clone()),
            ..LineError::new(self.line, None, code, message)
        }
    }

    /// Checks an external user of line `line`; the outer error is the database's.
    pub(super) async fn check(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        refs: &mut Refs,
        line: u64,
        raw: RawExternalUser,
    ) -> DomainResult<Result<Self, LineError>> {
        let fail = |e: DomainError| LineError {
            keys: ExternalKeys::of(raw.external_id.clone(), raw.identifier.clone()),
            ..LineError::of(line, e)
        };
        let text = |rule: roster_core::text::Text, field: &str, raw: &Option<String>| {
            raw.as_deref()
                .map(|v| rule.parse(field, v))
                .transpose()
                .map_err(fail)
        };
        let checked = (|| {
            Ok::<_, LineError>((
                text(EXTERNAL_ID, "externalId", &raw.external_id)?,
                text(IDENTIFIER, "identifier", &raw.identifier)?,
                text(NAME, "name", &raw.name)?,
                match raw.created_at.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(at) => Some(roster_core::time::parse(at).ok_or_else(|| {
                        fail(DomainError::invalid(
                            "createdAt",
                            "must be an RFC 3339 timestamp",
                        ))
                    })?),
                },
            ))
        })();
        let (external_id, identifier, name, created_at) = match checked {
            Ok(checked) => checked,
            Err(e) => return Ok(Err(e)),
        };
        let mut resolve = async |catalogue, id: &Option<String>, name: &Option<String>| {
            refs.resolve(
                conn,
                workspace_id,
                catalogue,
                id.as_deref(),
                name.as_deref(),
            )
            .await
            .map(|found| found.map_err(fail))
        };
        let channel = resolve(Catalogue::Channel, &raw.channel_id, &raw.channel).await?;
        let tier = resolve(Catalogue::Tier, &raw.tier_id, &raw.tier).await?;
        let group = resolve(
            Catalogue::Group,
            &raw.external_user_group_id,
            &raw.external_user_group,
        )
        .await?;
        let (channel, tier, group) = match (channel, tier, group) {
            (Ok(Some(channel)), Ok(tier), Ok(group)) => (channel, tier, group),
            (Ok(None), ..) => {
                let e = DomainError::invalid("channelId", "channelId or channel is required");
                return Ok(Err(fail(e)));
            }
            (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return Ok(Err(e)),
        };
        Ok(Ok(Self {
            line,
            channel_id: ChannelId(channel),
            identifier_key: identifier.as_deref().map(identity_key),
            external_id,
            identifier,
            name,
            tier_id: tier.map(TierId),
            external_user_group_id: group.map(GroupId),
            blocked: raw.blocked.unwrap_or(false),
            created_at,
        }))
    }
}
