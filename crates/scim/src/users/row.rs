//! A user as SCIM shows it: the row, and its SCIM JSON.

use diesel::prelude::*;
use roster_core::time::Timestamp;
use roster_identity::schema::users;
use roster_identity::users::{Role, UserState};
use roster_identity::{OrgId, UserId};
use serde_json::{json, Value as Json};

use crate::path::USER_SCHEMA;

/// The columns of a user SCIM reads.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct ScimUserRow {
    pub org_id: OrgId,
    pub id: UserId,
    pub user_name: Option<String>,
    pub external_id: Option<String>,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: String,
    /// Not in diesel's `users` (16 columns at most): named in SQL.
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>("\"users\".\"email_type\""))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Text>>)]
    pub email_type: Option<String>,
    pub job_position_name: Option<String>,
    pub state: UserState,
    pub role: Role,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ScimUserRow {
    /// The userName: as sent over SCIM, else (a user created in Roster) the email.
    pub fn user_name(&self) -> &str {
        self.user_name.as_deref().unwrap_or(&self.email)
    }

    pub fn version(&self) -> String {
        roster_core::etag::weak(self.updated_at)
    }

    /// The resource, with `meta.location` under `base` (`https://host/scim/v2`).
    pub fn to_json(&self, base: &str) -> Json {
        let parts: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut name = json!({});
        if let Some(g) = &self.given_name {
            name["givenName"] = json!(g);
        }
        if let Some(f) = &self.family_name {
            name["familyName"] = json!(f);
        }
        let mut user = json!({
            "schemas": [USER_SCHEMA],
            "id": self.id,
            "userName": self.user_name(),
            "displayName": self.name,
            "active": self.state == UserState::Active,
            "emails": [{
                "value": self.email,
                "type": self.email_type.as_deref().unwrap_or("work"),
            }],
            "roles": [{"value": self.role.as_str(), "primary": true}],
            "meta": {
                "resourceType": "User",
                "created": roster_core::time::format_millis(self.created_at),
                "lastModified": roster_core::time::format_millis(self.updated_at),
                "location": format!("{base}/Users/{}", self.id),
                "version": self.version(),
            },
        });
        if !parts.is_empty() {
            user["name"] = name;
        }
        if let Some(x) = &self.external_id {
            user["externalId"] = json!(x);
        }
        if let Some(t) = &self.job_position_name {
            user["title"] = json!(t);
        }
        user
    }
}
