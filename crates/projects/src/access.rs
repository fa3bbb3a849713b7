//! Who may do what with a project.
//!
//! `Private` projects are seen by their members and AppAdmins, `Org` projects by every
//! active user of the org. Owners and Editors (and AppAdmins) change a project and its
//! artifacts; Owners (and AppAdmins) manage its members and delete it. A project the
//! caller may not see is a 404, as if it did not exist; one it sees but may not change
//! is a 403.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::{OrgId, UserId};

use crate::projects::ProjectRecord;
use crate::schema::{project_members, projects};
use crate::ProjectId;

roster_core::text_enum!(
    /// Who sees a project: its members (`Private`) or every active user of the org (`Org`).
    Visibility { Private, Org }
);

roster_core::text_enum!(
    /// A member's role in a project.
    ProjectRole { Owner, Editor, Viewer }
);

/// Whose view of the org a query takes: a user, and whether it is an AppAdmin.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub org_id: &'a OrgId,
    pub user_id: &'a UserId,
    pub admin: bool,
}

impl<'a> From<&'a Principal> for Viewer<'a> {
    fn from(p: &'a Principal) -> Self {
        Self {
            org_id: &p.user.org_id,
            user_id: &p.user.id,
            admin: p.is_admin(),
        }
    }
}

/// The caller's standing on one project it may see.
#[derive(Debug, Clone)]
pub struct Access {
    pub project: ProjectRecord,
    /// The caller's membership role, if it is a member.
    pub role: Option<ProjectRole>,
    pub admin: bool,
}

impl Access {
    /// 403 unless the caller is an Owner or Editor of the project, or an AppAdmin.
    pub fn require_editor(&self) -> DomainResult<()> {
        if self.admin || matches!(self.role, Some(ProjectRole::Owner | ProjectRole::Editor)) {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "project_editor_required",
                "this needs the Owner or Editor role in the project, or AppAdmin",
            ))
        }
    }

    /// 403 unless the caller is an Owner of the project, or an AppAdmin.
    pub fn require_owner(&self) -> DomainResult<()> {
        if self.admin || self.role == Some(ProjectRole::Owner) {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "project_owner_required",
                "this needs the Owner role in the project, or AppAdmin",
            ))
        }
    }
}

/// Whether the project row is locked for the rest of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    No,
    /// `FOR UPDATE`: serialises changes that keep a per-project invariant (member count,
    /// at least one Owner).
    ForUpdate,
}

/// The caller's access to a project, locked for a change, when it is the project's Owner
/// or an AppAdmin (else a 403; a project it may not see is a 404).
pub async fn as_owner(
    conn: &mut AsyncPgConnection,
    viewer: Viewer<'_>,
    id: &ProjectId,
) -> DomainResult<Access> {
    let access = access(conn, viewer, id, Lock::ForUpdate).await?;
    access.require_owner()?;
    Ok(access)
}

/// The caller's access to a project; a project it may not see (or of another org, or
/// unknown) is a 404.
pub async fn access(
    conn: &mut AsyncPgConnection,
    viewer: Viewer<'_>,
    id: &ProjectId,
    lock: Lock,
) -> DomainResult<Access> {
    let query = projects::table
        .find((viewer.org_id, id))
        .select(ProjectRecord::as_select());
    let project = match lock {
        Lock::No => query.first(conn).await.optional()?,
        Lock::ForUpdate => query.for_update().first(conn).await.optional()?,
    }
    .ok_or_else(|| DomainError::not_found("project"))?;
    let role = role_of(conn, viewer.org_id, id, viewer.user_id).await?;
    if !(viewer.admin || role.is_some() || project.settings.visibility == Visibility::Org) {
        return Err(DomainError::not_found("project"));
    }
    Ok(Access {
        project,
        role,
        admin: viewer.admin,
    })
}

/// A user's role in a project, if it is a member.
pub async fn role_of(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    project_id: &ProjectId,
    user_id: &UserId,
) -> DomainResult<Option<ProjectRole>> {
    Ok(project_members::table
        .find((org_id, project_id, user_id))
        .select(project_members::role)
        .first(conn)
        .await
        .optional()?)
}

/// The ids of the projects `viewer` is a member of, as a subquery for `id IN (...)`.
/// With `visibility = 'Org'` it makes up what a non-admin may see.
pub(crate) fn member_project_ids<'a>(
    viewer: Viewer<'a>,
) -> project_members::BoxedQuery<'a, diesel::pg::Pg, diesel::sql_types::Text> {
    project_members::table
        .filter(project_members::org_id.eq(viewer.org_id))
        .filter(project_members::user_id.eq(viewer.user_id))
        .select(project_members::project_id)
        .into_boxed()
}
