//! What a user is: as stored, as shown, as added and as changed.

use diesel::prelude::*;
use roster_core::metadata::{Metadata, MetadataUpdate};
use roster_core::page::Cursor;
use roster_core::text::Email;
use roster_core::time::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::users;
use crate::{AccountId, OrgId, UserId};

roster_core::text_enum!(
    /// What a user may do in its org.
    Role { AppAdmin, AppMember }
);

roster_core::text_enum!(
    /// Whether a user's credentials work in its org.
    UserState { Active, Inactive }
);

/// A user as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRecord {
    pub org_id: OrgId,
    pub id: UserId,
    pub account_id: AccountId,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: String,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub state: UserState,
    pub role: Role,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[diesel(
        select_expression = crate::schema::users_metadata::metadata,
        select_expression_type = crate::schema::users_metadata::metadata,
        sql_type = diesel::sql_types::Jsonb
    )]
    pub metadata: Metadata,
}

/// A user as the App API shows it.
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub account_id: AccountId,
    #[schema(example = "Sasha Patel")]
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[schema(example = "sasha@auroralabs.com")]
    pub email: String,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub state: UserState,
    /// The user's roles (Roster gives each user exactly one).
    pub roles: Vec<Role>,
    pub created_at: Timestamp,
    #[schema(schema_with = roster_core::metadata::schema)]
    pub metadata: Metadata,
    /// The row's version, for its ETag (the Zylon user shape has no `updated_at`).
    #[serde(skip)]
    pub updated_at: Timestamp,
}

roster_core::versioned!(User);

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            account_id: r.account_id,
            name: r.name,
            given_name: r.given_name,
            family_name: r.family_name,
            email: r.email,
            job_position_name: r.job_position_name,
            job_position_description: r.job_position_description,
            state: r.state,
            roles: vec![r.role],
            created_at: r.created_at,
            metadata: r.metadata,
            updated_at: r.updated_at,
        }
    }
}

impl UserRecord {
    pub fn is_admin(&self) -> bool {
        self.role == Role::AppAdmin
    }

    pub fn is_active(&self) -> bool {
        self.state == UserState::Active
    }

    /// The row's position in the list of users.
    pub(super) fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// `{id, state}`: the answer to activate and deactivate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserStateChange {
    pub id: UserId,
    pub state: UserState,
}

/// A user to add to an org. Without `account_id`, the account is found or created by email;
/// with it, `email` must be that account's.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub account_id: Option<AccountId>,
    pub role: Role,
    pub email: Email,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub metadata: Metadata,
}

/// Changes to a user; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub email: Option<String>,
    pub job_position_name: Option<Option<String>>,
    pub job_position_description: Option<Option<String>>,
    pub role: Option<Role>,
    /// The SCIM userName; `Some(None)` makes it the email again.
    pub user_name: Option<Option<String>>,
    /// The SCIM externalId.
    pub external_id: Option<Option<String>>,
    /// Replaced or merged (`roster_core::metadata`).
    #[diesel(skip_update)]
    pub metadata: Option<MetadataUpdate>,
}
