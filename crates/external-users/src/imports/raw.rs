//! An external user as an import file gives it: the fields of the NDJSON and CSV forms.

use roster_core::imports::{Format, RawRecord};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawExternalUser {
    pub channel_id: Option<String>,
    /// The channel by name, when there is no `channelId`.
    pub channel: Option<String>,
    pub external_id: Option<String>,
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub tier_id: Option<String>,
    /// The tier by name, when there is no `tierId`.
    pub tier: Option<String>,
    pub external_user_group_id: Option<String>,
    /// The group by name, when there is no `externalUserGroupId`.
    pub external_user_group: Option<String>,
    pub blocked: Option<bool>,
    pub created_at: Option<String>,
}

/// The columns a CSV header may name (those of [`RawExternalUser`]).
pub const COLUMNS: &[&str] = &[
    "channelId",
    "channel",
    "externalId",
    "identifier",
    "name",
    "tierId",
    "tier",
    "externalUserGroupId",
    "externalUserGroup",
    "blocked",
    "createdAt",
];

impl RawRecord for RawExternalUser {
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const REQUIRED: Option<&'static str> = None;
    const NOUN: &'static str = "external user";

    fn from_json(buf: &[u8], _: Format) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(buf)
    }

    fn set(&mut self, column: usize, value: String) -> Result<(), String> {
        let slot = match column {
            0 => &mut self.channel_id,
            1 => &mut self.channel,
            2 => &mut self.external_id,
            3 => &mut self.identifier,
            4 => &mut self.name,
            5 => &mut self.tier_id,
            6 => &mut self.tier,
            7 => &mut self.external_user_group_id,
            8 => &mut self.external_user_group,
            9 => {
                self.blocked = Some(match value.trim() {
                    "true" => true,
                    "false" => false,
                    _ => return Err("must be true or false".into()),
                });
                return Ok(());
            }
            _ => &mut self.created_at,
        };
        *slot = Some(value);
        Ok(())
    }
}
