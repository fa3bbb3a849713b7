//! What a group is: as stored, as shown, as created and as changed; and a member.

use diesel::prelude::*;
use roster_core::page::Cursor;
use roster_core::search::SearchTerm;
use roster_core::time::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::org_groups;
use crate::{OrgGroupId, OrgId, UserId};

/// A group as the App API shows it (its members are a list of their own).
// Also the row as stored: the App API shows every column.
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = org_groups, check_for_backend(diesel::pg::Pg))]
pub struct Group {
    pub id: OrgGroupId,
    pub org_id: OrgId,
    /// Unique in the org, whatever its case.
    #[schema(example = "Engineering")]
    pub display_name: String,
    /// The group's id in an identity provider, if it has one.
    #[schema(example = "00g1emaKYZTWRYYRRTSK")]
    pub external_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

roster_core::versioned!(Group);

impl Group {
    /// The group's position in the list of groups.
    pub(super) fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// A member of a group: a user of the org, with its name and email as they are now.
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct GroupMember {
    pub group_id: OrgGroupId,
    pub user_id: UserId,
    /// The user's name.
    #[schema(example = "Sasha Patel")]
    pub name: String,
    /// The user's email.
    #[schema(example = "sasha@auroralabs.com")]
    pub email: String,
    /// When the user joined the group.
    pub created_at: Timestamp,
}

impl GroupMember {
    /// The member's position in the list of a group's members.
    pub(super) fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.user_id)
    }
}

/// A group to create, with its first members (users of the org; none is fine).
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: Vec<UserId>,
}

/// Changes to a group; `None` leaves a field as it is, `Some(None)` clears `external_id`.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = org_groups)]
pub struct GroupChanges {
    pub display_name: Option<String>,
    pub external_id: Option<Option<String>>,
}

impl GroupChanges {
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none() && self.external_id.is_none()
    }
}

/// A group's new state, whole (SCIM's PUT): its fields and exactly these members.
#[derive(Debug, Clone)]
pub struct GroupReplacement {
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: Vec<UserId>,
}

/// List filters; all optional, and all must hold.
#[derive(Debug, Clone, Default)]
pub struct GroupFilter {
    /// Case-insensitive substring of the display name.
    pub search: Option<SearchTerm>,
    /// The display name, whatever its case.
    pub display_name: Option<String>,
    /// The external id, exactly.
    pub external_id: Option<String>,
    /// Only the groups this user is a member of.
    pub member: Option<UserId>,
}
