//! A user serialised straight from its row, as [`ScimUserRow::to_json`] renders it (the
//! same keys in the same, sorted, order), for pages that ask for no projection: building a
//! `serde_json::Value` per user was most of the gateway's time on a page of 100
//! (docs/performance.md).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as Json;

use super::row::ScimUserRow;
use crate::path::USER_SCHEMA;
use roster_identity::users::UserState;

/// One user of a page, with its groups.
pub struct UserView<'a> {
    pub row: ScimUserRow,
    pub base: &'a str,
    pub groups: Option<Vec<Json>>,
}

#[derive(Serialize)]
struct Email<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Name<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
}

#[derive(Serialize)]
struct Role<'a> {
    primary: bool,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta<'a> {
    created: String,
    last_modified: String,
    location: String,
    resource_type: &'a str,
    version: String,
}

impl Serialize for UserView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.row;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("active", &(r.state == UserState::Active))?;
        m.serialize_entry("displayName", &r.name)?;
        let kind = r.email_type.as_deref().unwrap_or("work");
        m.serialize_entry(
            "emails",
            &[Email {
                kind,
                value: &r.email,
            }],
        )?;
        if let Some(x) = &r.external_id {
            m.serialize_entry("externalId", x)?;
        }
        if let Some(groups) = self.groups.as_ref().filter(|g| !g.is_empty()) {
            m.serialize_entry("groups", groups)?;
        }
        m.serialize_entry("id", &r.id)?;
        let meta = Meta {
            created: roster_core::time::format_millis(r.created_at),
            last_modified: roster_core::time::format_millis(r.updated_at),
            location: format!("{}/Users/{}", self.base, r.id),
            resource_type: "User",
            version: r.version(),
        };
        m.serialize_entry("meta", &meta)?;
        if r.given_name.is_some() || r.family_name.is_some() {
            let name = Name {
                family_name: r.family_name.as_deref(),
                given_name: r.given_name.as_deref(),
            };
            m.serialize_entry("name", &name)?;
        }
        let role = Role {
            primary: true,
            value: r.role.as_str(),
        };
        m.serialize_entry("roles", &[role])?;
        m.serialize_entry("schemas", &[USER_SCHEMA])?;
        if let Some(t) = &r.job_position_name {
            m.serialize_entry("title", t)?;
        }
        m.serialize_entry("userName", r.user_name())?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use roster_identity::users::Role;
    use roster_identity::{OrgId, UserId};
    use serde_json::json;

    use super::*;

    fn row(full: bool) -> ScimUserRow {
        let some = |s: &str| full.then(|| s.to_owned());
        ScimUserRow {
            org_id: OrgId::generate(),
            id: UserId::generate(),
            user_name: some("Ada@Example.com"),
            external_id: some("x-1"),
            name: "Ada \"L\" Lovelace".into(),
            given_name: some("Ada"),
            family_name: None,
            email: "ada@example.com".into(),
            email_type: some("home"),
            job_position_name: some("Countess"),
            state: if full {
                UserState::Active
            } else {
                UserState::Inactive
            },
            role: if full {
                Role::AppAdmin
            } else {
                Role::AppMember
            },
            created_at: roster_core::time::now(),
            updated_at: roster_core::time::now(),
        }
    }

    #[test]
    fn a_view_writes_what_to_json_renders_byte_for_byte() {
        let base = "https://roster.test/scim/v2";
        for full in [true, false] {
            let groups = full.then(|| vec![json!({"value": "grp_1", "display": "A", "$ref": "r"})]);
            let row = row(full);
            let mut expected = row.to_json(base);
            if let Some(g) = groups.clone() {
                expected["groups"] = Json::Array(g);
            }
            let view = UserView { row, base, groups };
            assert_eq!(serde_json::to_string(&view).unwrap(), expected.to_string());
        }
    }
}
