//! Request bodies of groups and their members, and their parsing into domain commands.

use roster_core::error::FieldErrors as Errors;
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::text::Text;
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{GroupChanges, NewGroup};
use crate::UserId;

/// A group's display name (also over SCIM).
pub const DISPLAY_NAME: Text = Text::new(1, 200);
/// A group's external id (also over SCIM).
pub const EXTERNAL_ID: Text = Text::new(1, 255);
/// Most members a create names.
pub const MAX_NEW_MEMBERS: usize = 1_000;

fn display_name() -> StringSchema {
    DISPLAY_NAME
        .schema()
        .description(format!(
            "{DISPLAY_NAME}, unique in the org whatever its case."
        ))
        .example("Engineering")
}

fn external_id() -> StringSchema {
    EXTERNAL_ID.schema_opt().example("00g1emaKYZTWRYYRRTSK")
}

/// A user id of a request: a malformed one names no user, the same 404 as an unknown one.
fn user_id(field: &str, raw: &str) -> Result<UserId, DomainError> {
    roster_core::id::check_length(field, raw)?;
    UserId::parse(raw.trim())
        .ok_or_else(|| DomainError::not_found("user").on_field(field, "no such user"))
}

/// `POST /api/v1/app/groups`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgGroupRequest {
    #[schema(schema_with = display_name)]
    pub display_name: String,
    #[serde(default)]
    #[schema(schema_with = external_id)]
    pub external_id: Option<String>,
    /// Users of this org (`user_…`) to add at once, at most 1000.
    #[serde(default)]
    #[schema(max_items = 1000, example = json!(["user_4b7c2a1d9e5f3c8b"]))]
    pub members: Option<Vec<String>>,
}

impl TryFrom<CreateOrgGroupRequest> for NewGroup {
    type Error = DomainError;

    fn try_from(r: CreateOrgGroupRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let display_name = errors.take(DISPLAY_NAME.parse("display_name", &r.display_name));
        let external_id =
            errors.take(EXTERNAL_ID.parse_opt("external_id", r.external_id.as_deref()));
        let raw_members = r.members.unwrap_or_default();
        if raw_members.len() > MAX_NEW_MEMBERS {
            errors.take::<()>(Err(DomainError::invalid(
                "members",
                format!("must hold at most {MAX_NEW_MEMBERS} user ids"),
            )));
        }
        let fields = (|| Some((display_name?, external_id?)))();
        let (display_name, external_id) = errors.finish_with(fields)?;
        let members = raw_members
            .iter()
            .map(|raw| user_id("members", raw))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewGroup {
            display_name,
            external_id,
            members,
        })
    }
}

/// `PATCH /api/v1/app/groups/{id}`: every field optional; `null` clears `external_id`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgGroupRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = display_name)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = external_id)]
    pub external_id: Option<Option<String>>,
}

impl TryFrom<UpdateOrgGroupRequest> for GroupChanges {
    type Error = DomainError;

    fn try_from(r: UpdateOrgGroupRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let display_name = r
            .display_name
            .as_deref()
            .and_then(|n| errors.take(DISPLAY_NAME.parse("display_name", n)));
        let external_id = patch::parse(&mut errors, r.external_id, |v| {
            EXTERNAL_ID.parse_opt("external_id", v.as_deref())
        });
        let changes = GroupChanges {
            display_name,
            external_id,
        };
        errors.finish()?;
        if changes.is_empty() {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}

/// `POST /api/v1/app/groups/{id}/members`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGroupMemberRequest {
    #[schema(schema_with = member_schema)]
    pub user_id: String,
}

fn member_schema() -> StringSchema {
    roster_core::id::reference_schema("A user of this org (`user_…`).", "user_4b7c2a1d9e5f3c8b")
}

impl AddGroupMemberRequest {
    /// The user to add; a malformed id is a 404 like an unknown one.
    pub fn user_id(&self) -> Result<UserId, DomainError> {
        user_id("user_id", &self.user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: &str) -> Result<GroupChanges, DomainError> {
        let request: UpdateOrgGroupRequest = serde_json::from_str(json)
            .map_err(|e| DomainError::bad_request("json", e.to_string()))?;
        GroupChanges::try_from(request)
    }

    #[test]
    fn updates_tell_absent_from_null() {
        let changes = update(r#"{"external_id": null}"#).ok();
        assert!(changes.is_some_and(|c| c.external_id == Some(None) && c.display_name.is_none()));
        assert!(matches!(
            update("{}"),
            Err(DomainError::BadRequest { code, .. }) if code == "empty_update"
        ));
        assert!(update(r#"{"display_name": "  "}"#).is_err());
    }

    #[test]
    fn creates_trim_and_check_members() {
        let request: Result<CreateOrgGroupRequest, _> =
            serde_json::from_str(r#"{"display_name": " Eng ", "members": ["nope"]}"#);
        let new = request
            .map_err(|e| e.to_string())
            .and_then(|r| NewGroup::try_from(r).map_err(|e| e.to_string()));
        assert!(new.is_err_and(|e| e.contains("not found")));
        let request: Result<CreateOrgGroupRequest, _> =
            serde_json::from_str(r#"{"display_name": " Eng "}"#);
        let new = request.ok().and_then(|r| NewGroup::try_from(r).ok());
        assert!(new.is_some_and(|n| n.display_name == "Eng" && n.members.is_empty()));
    }
}
