//! Members of a project, each with a project role. `member_count` is kept in step in the
//! same transaction, under the project row's lock, and a project keeps at least one Owner.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::page::{Page, Paging};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::{users, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{self, Access, Lock, ProjectRole, Viewer};
use crate::events;
use crate::schema::{project_members, projects};
use crate::ProjectId;

/// A member of a project.
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = project_members, check_for_backend(diesel::pg::Pg))]
pub struct Member {
    pub project_id: ProjectId,
    pub user_id: UserId,
    pub role: ProjectRole,
    /// When the user joined the project.
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A user to add; without `role`, the project's `default_member_role` when
/// `default_role_enabled`.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub user_id: UserId,
    pub role: Option<ProjectRole>,
}

/// The members of a project the caller may see, in the order they joined.
pub async fn list(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    paging: &Paging,
) -> DomainResult<Page<Member>> {
    let viewer = Viewer::from(who);
    let (offset, size) = paging.offset_only()?;
    let access = access::access(conn, viewer, project_id, Lock::No).await?;
    let rows = project_members::table
        .filter(project_members::org_id.eq(viewer.org_id))
        .filter(project_members::project_id.eq(project_id))
        .select(Member::as_select())
        .order((
            project_members::created_at.asc(),
            project_members::user_id.asc(),
        ))
        .offset(offset)
        .limit(size + 1)
        .load(conn)
        .await?;
    Ok(Page::of_offset(
        paging,
        rows,
        i64::from(access.project.member_count),
    ))
}

/// Adds `member_count` by `delta` to the locked project.
async fn count_members(
    conn: &mut AsyncPgConnection,
    access: &Access,
    delta: i32,
) -> DomainResult<()> {
    diesel::update(projects::table.find((&access.project.org_id, &access.project.id)))
        .set((
            projects::member_count.eq(projects::member_count + delta),
            projects::updated_at.eq(roster_core::time::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a user of the org to a project (Owner or AppAdmin). A user of another org, or an
/// unknown one, is a 404; an existing member is a 409.
pub async fn add(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    new: NewMember,
) -> DomainResult<Member> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let access = access::as_owner(conn, viewer, project_id).await?;
        let role = match new.role {
            Some(role) => role,
            None if access.project.settings.default_role_enabled => {
                access.project.settings.default_member_role
            }
            None => {
                return Err(DomainError::invalid(
                    "role",
                    "is required: the project has no default member role enabled",
                ))
            }
        };
        let user = users::get(conn, viewer.org_id, &new.user_id).await?;
        let now = roster_core::time::now();
        let member = diesel::insert_into(project_members::table)
            .values((
                project_members::org_id.eq(viewer.org_id),
                project_members::project_id.eq(project_id),
                project_members::user_id.eq(&user.id),
                project_members::role.eq(role),
                project_members::created_at.eq(now),
                project_members::updated_at.eq(now),
            ))
            .returning(Member::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some("project_members_pkey") => DomainError::conflict(
                    "already_member",
                    "this user is already a member of the project",
                )
                .on_field("user_id", "already a member"),
                _ => e.into(),
            })?;
        count_members(conn, &access, 1).await?;
        let kind = EventType::ProjectMemberAdded;
        events::emit(conn, viewer.org_id, kind, project_id, &member).await?;
        Ok(member)
    })
    .await
}

/// 409 when the member is the project's last Owner. Call with the project locked.
async fn ensure_not_last_owner(
    conn: &mut AsyncPgConnection,
    access: &Access,
    user_id: &UserId,
) -> DomainResult<()> {
    let other_owners: i64 = project_members::table
        .filter(project_members::org_id.eq(&access.project.org_id))
        .filter(project_members::project_id.eq(&access.project.id))
        .filter(project_members::role.eq(ProjectRole::Owner))
        .filter(project_members::user_id.ne(user_id))
        .count()
        .get_result(conn)
        .await?;
    if other_owners == 0 {
        return Err(DomainError::conflict(
            "last_owner",
            "a project keeps at least one Owner: make another member Owner first",
        ));
    }
    Ok(())
}

/// The role of a member of the locked project, or a 404.
async fn member_role(
    conn: &mut AsyncPgConnection,
    access: &Access,
    user_id: &UserId,
) -> DomainResult<ProjectRole> {
    access::role_of(conn, &access.project.org_id, &access.project.id, user_id)
        .await?
        .ok_or_else(|| DomainError::not_found("member"))
}

/// Changes a member's role (Owner or AppAdmin); demoting the last Owner is a 409.
pub async fn set_role(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    user_id: &UserId,
    role: ProjectRole,
) -> DomainResult<Member> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let access = access::as_owner(conn, viewer, project_id).await?;
        let current = member_role(conn, &access, user_id).await?;
        if current == ProjectRole::Owner && role != ProjectRole::Owner {
            ensure_not_last_owner(conn, &access, user_id).await?;
        }
        let member =
            diesel::update(project_members::table.find((viewer.org_id, project_id, user_id)))
                .set((
                    project_members::role.eq(role),
                    project_members::updated_at.eq(roster_core::time::now()),
                ))
                .returning(Member::as_returning())
                .get_result(conn)
                .await?;
        let kind = EventType::ProjectMemberUpdated;
        events::emit(conn, viewer.org_id, kind, project_id, &member).await?;
        Ok(member)
    })
    .await
}

/// Removes a member (Owner or AppAdmin); removing the last Owner is a 409.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    user_id: &UserId,
) -> DomainResult<()> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let access = access::as_owner(conn, viewer, project_id).await?;
        if member_role(conn, &access, user_id).await? == ProjectRole::Owner {
            ensure_not_last_owner(conn, &access, user_id).await?;
        }
        diesel::delete(project_members::table.find((viewer.org_id, project_id, user_id)))
            .execute(conn)
            .await?;
        count_members(conn, &access, -1).await?;
        let gone = serde_json::json!({ "project_id": project_id, "user_id": user_id });
        let kind = EventType::ProjectMemberRemoved;
        events::emit(conn, viewer.org_id, kind, project_id, &gone).await
    })
    .await
}
