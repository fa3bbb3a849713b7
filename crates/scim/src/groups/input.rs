//! A Group resource as a client sends it (POST, PUT, or the result of a PATCH), read into
//! what Roster stores: the display name and external id (bounded as the App API bounds
//! them, `roster_identity::groups::requests`) and the member users' ids. Names are matched
//! without case; attributes Roster does not store are ignored; a value of the wrong type
//! is `invalidValue`.

use roster_identity::groups::requests::{DISPLAY_NAME, EXTERNAL_ID};
use roster_identity::UserId;
use serde_json::{Map, Value as Json};

use crate::error::{ScimError, ScimResult};
use crate::path::GROUP_SCHEMA;
use crate::users::input::{flatten_in, string};

/// The most members a Group resource may name.
pub const MAX_MEMBERS: usize = 10_000;

/// What Roster stores of a Group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    pub display_name: String,
    pub external_id: Option<String>,
    /// In the order sent, without repeats.
    pub members: Vec<UserId>,
}

/// A member's `value`: a user id of the org. Anything else names no user of the org.
pub(super) fn member_id(value: &str) -> ScimResult<UserId> {
    UserId::parse(value.trim()).ok_or_else(|| not_a_member(value))
}

/// The error for a member that is not a user of the org (an unknown id, another org's).
pub(super) fn not_a_member(value: &str) -> ScimError {
    let shown: String = value.chars().take(64).collect();
    ScimError::invalid_value(format!("member `{shown}` is not a user of this org"))
}

fn members(obj: &Map<String, Json>) -> ScimResult<Vec<UserId>> {
    let items = match obj.get("members") {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(_) => return Err(ScimError::invalid_value("`members` must be an array")),
    };
    if items.len() > MAX_MEMBERS {
        return Err(ScimError::invalid_value(format!(
            "a group names at most {MAX_MEMBERS} members at once"
        )));
    }
    let mut ids: Vec<UserId> = Vec::with_capacity(items.len());
    for item in items {
        let item = item
            .as_object()
            .ok_or_else(|| ScimError::invalid_value("each of `members` is an object"))?;
        let item = flatten_in(item, GROUP_SCHEMA);
        if item
            .get("type")
            .and_then(Json::as_str)
            .is_some_and(|t| !t.eq_ignore_ascii_case("user"))
        {
            return Err(ScimError::invalid_value(
                "members are users: a group cannot be a member",
            ));
        }
        let value = string(&item, "value", "members.value", 256)?
            .ok_or_else(|| ScimError::invalid_value("each member needs a `value`"))?;
        let id = member_id(&value)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Reads a Group resource.
pub fn read(body: &Json) -> ScimResult<GroupInput> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("a Group is a JSON object"))?;
    let obj = flatten_in(obj, GROUP_SCHEMA);
    let display_name = string(&obj, "displayname", "displayName", DISPLAY_NAME.max())?
        .ok_or_else(|| ScimError::invalid_value("`displayName` is required"))?;
    let display_name = DISPLAY_NAME.parse("displayName", &display_name)?;
    let external_id = string(&obj, "externalid", "externalId", EXTERNAL_ID.max())?
        .map(|x| EXTERNAL_ID.parse("externalId", &x))
        .transpose()?;
    Ok(GroupInput {
        display_name,
        external_id,
        members: members(&obj)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_names_members_and_ignores_the_rest() {
        let input = read(&json!({
            "schemas": [GROUP_SCHEMA],
            "DisplayName": " Engineering ",
            "externalId": "00g1",
            "members": [
                {"value": "user_0000000000000001", "display": "Ada"},
                {"value": "user_0000000000000001"},
                {"value": "user_0000000000000002", "$ref": "https://x/Users/user_0000000000000002"}
            ],
            "owner": "ignored"
        }));
        let input = input.map_err(|e| e.detail);
        assert_eq!(
            input.as_ref().map(|i| (
                i.display_name.as_str(),
                i.external_id.as_deref(),
                i.members.len()
            )),
            Ok(("Engineering", Some("00g1"), 2))
        );
    }

    #[test]
    fn refuses_what_it_cannot_store() {
        let status = |body: Json| {
            read(&body)
                .err()
                .and_then(|e| e.scim_type)
                .map(|t| t.as_str())
        };
        assert_eq!(status(json!({})), Some("invalidValue"));
        assert_eq!(status(json!({"displayName": 3})), Some("invalidValue"));
        assert_eq!(status(json!({"displayName": "   "})), Some("invalidValue"));
        assert_eq!(
            status(json!({"displayName": "x", "members": {}})),
            Some("invalidValue")
        );
        assert_eq!(
            status(json!({"displayName": "x", "members": [{"value": "grp_1"}]})),
            Some("invalidValue")
        );
        assert_eq!(
            status(
                json!({"displayName": "x", "members": [{"value": "user_0000000000000001", "type": "Group"}]})
            ),
            Some("invalidValue")
        );
        assert_eq!(status(json!([])), Some("invalidSyntax"));
    }
}
