//! Projects: CRUD, the lists (pinned first, then newest) and per-user pins.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::page::{Page, Paging};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::{users, OrgId, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{self, Access, Lock, ProjectRole, Viewer, Visibility};
use crate::events;
use crate::schema::{project_members, project_pins, projects};
use crate::ProjectId;

mod pins;
pub use pins::{pin, unpin};

/// A project as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects, check_for_backend(diesel::pg::Pg))]
pub struct ProjectRecord {
    pub org_id: OrgId,
    pub id: ProjectId,
    #[diesel(embed)]
    pub settings: NewProject,
    pub member_count: i32,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A project as the App API shows it; `is_pinned` is for the user the answer is about.
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Project {
    pub id: ProjectId,
    #[schema(example = "Customer Insights")]
    pub name: String,
    #[schema(example = "Summarize weekly support trends.")]
    pub goal: Option<String>,
    #[serde(with = "roster_core::time::seconds::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-03-01T00:00:00Z")]
    pub deadline: Option<Timestamp>,
    pub visibility: Visibility,
    /// How many members the project has.
    #[schema(example = 4)]
    pub member_count: i32,
    /// The role a member gets when added without one (if `default_role_enabled`).
    pub default_member_role: ProjectRole,
    pub default_role_enabled: bool,
    #[schema(example = "Support analytics for Q1.")]
    pub project_context: Option<String>,
    #[schema(example = "Use approved templates.")]
    pub answer_context: Option<String>,
    pub is_pinned: bool,
    /// The user who created the project.
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

roster_core::versioned!(Project);

impl Project {
    fn new(r: ProjectRecord, is_pinned: bool) -> Self {
        let s = r.settings;
        Self {
            id: r.id,
            name: s.name,
            goal: s.goal,
            deadline: s.deadline,
            visibility: s.visibility,
            member_count: r.member_count,
            default_member_role: s.default_member_role,
            default_role_enabled: s.default_role_enabled,
            project_context: s.project_context,
            answer_context: s.answer_context,
            is_pinned,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A project to create (its creator becomes its first Owner), and the settings of one
/// stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = projects, check_for_backend(diesel::pg::Pg))]
pub struct NewProject {
    pub name: String,
    pub goal: Option<String>,
    pub deadline: Option<Timestamp>,
    pub visibility: Visibility,
    pub default_member_role: ProjectRole,
    pub default_role_enabled: bool,
    pub project_context: Option<String>,
    pub answer_context: Option<String>,
}

/// Changes to a project; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = projects)]
pub struct ProjectChanges {
    pub name: Option<String>,
    pub goal: Option<Option<String>>,
    pub deadline: Option<Option<Timestamp>>,
    pub visibility: Option<Visibility>,
    pub default_member_role: Option<ProjectRole>,
    pub default_role_enabled: Option<bool>,
    pub project_context: Option<Option<String>>,
    pub answer_context: Option<Option<String>>,
}

impl ProjectChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.goal.is_none()
            && self.deadline.is_none()
            && self.visibility.is_none()
            && self.default_member_role.is_none()
            && self.default_role_enabled.is_none()
            && self.project_context.is_none()
            && self.answer_context.is_none()
    }
}

/// List filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub visibility: Option<Visibility>,
}

async fn is_pinned(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    project_id: &ProjectId,
) -> DomainResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        project_pins::table.find((org_id, user_id, project_id)),
    ))
    .get_result(conn)
    .await?)
}

/// Creates a project with the caller as its only Owner (`member_count` 1).
pub async fn create(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    new: NewProject,
) -> DomainResult<Project> {
    let org_id = who.user.org_id.clone();
    let user_id = who.user.id.clone();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let now = roster_core::time::now();
        let id = ProjectId::generate();
        let record = diesel::insert_into(projects::table)
            .values((
                projects::org_id.eq(&org_id),
                projects::id.eq(&id),
                new,
                projects::member_count.eq(1),
                projects::created_by.eq(&user_id),
                projects::created_at.eq(now),
                projects::updated_at.eq(now),
            ))
            .returning(ProjectRecord::as_returning())
            .get_result(conn)
            .await?;
        diesel::insert_into(project_members::table)
            .values((
                project_members::org_id.eq(&org_id),
                project_members::project_id.eq(&id),
                project_members::user_id.eq(&user_id),
                project_members::role.eq(ProjectRole::Owner),
                project_members::created_at.eq(now),
                project_members::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        let project = Project::new(record, false);
        events::emit(conn, &org_id, EventType::ProjectCreated, &id, &project).await?;
        Ok(project)
    })
    .await
}

/// One project the caller may see.
pub async fn get(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    id: &ProjectId,
) -> DomainResult<Project> {
    let viewer = Viewer::from(who);
    let Access { project, .. } = access::access(conn, viewer, id, Lock::No).await?;
    let pinned = is_pinned(conn, viewer.org_id, viewer.user_id, id).await?;
    Ok(Project::new(project, pinned))
}

/// Changes a project (Owner, Editor or AppAdmin); a stale `pre` is a 412, checked on the
/// locked row.
pub async fn update(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    id: &ProjectId,
    changes: ProjectChanges,
    pre: &Precondition,
) -> DomainResult<Project> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let access = access::access(conn, viewer, id, Lock::ForUpdate).await?;
        access.require_editor()?;
        pre.check(access.project.updated_at)?;
        let record = diesel::update(projects::table.find((viewer.org_id, id)))
            .set((&changes, projects::updated_at.eq(roster_core::time::now())))
            .returning(ProjectRecord::as_returning())
            .get_result(conn)
            .await?;
        let pinned = is_pinned(conn, viewer.org_id, viewer.user_id, id).await?;
        let project = Project::new(record, pinned);
        events::emit(conn, viewer.org_id, EventType::ProjectUpdated, id, &project).await?;
        Ok(project)
    })
    .await
}

/// Deletes a project with its members, pins and artifacts (Owner or AppAdmin); a stale
/// `pre` is a 412.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    id: &ProjectId,
    pre: &Precondition,
) -> DomainResult<()> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let access = access::as_owner(conn, viewer, id).await?;
        pre.check(access.project.updated_at)?;
        diesel::delete(projects::table.find((viewer.org_id, id)))
            .execute(conn)
            .await?;
        roster_core::events::emit_removed(
            conn,
            viewer.org_id.as_str(),
            EventType::ProjectDeleted,
            id.as_str(),
        )
        .await
    })
    .await
}

/// The projects `viewer` may see, with the filter applied.
fn visible<'a>(
    viewer: Viewer<'a>,
    filter: &'a ProjectFilter,
) -> projects::BoxedQuery<'a, diesel::pg::Pg> {
    let mut query = projects::table
        .filter(projects::org_id.eq(viewer.org_id))
        .into_boxed();
    if !viewer.admin {
        query = query.filter(
            projects::visibility
                .eq(Visibility::Org)
                .or(projects::id.eq_any(access::member_project_ids(viewer))),
        );
    }
    if let Some(v) = filter.visibility {
        query = query.filter(projects::visibility.eq(v));
    }
    query
}

/// The projects `viewer` may see, pinned (by `viewer`) first, then newest first, with
/// `is_pinned` for `viewer`. Two queries, whatever the page size.
async fn list_for(
    conn: &mut AsyncPgConnection,
    viewer: Viewer<'_>,
    filter: &ProjectFilter,
    paging: &Paging,
) -> DomainResult<Page<Project>> {
    let (offset, size) = paging.offset_only()?;
    let total_count: i64 = visible(viewer, filter).count().get_result(conn).await?;
    let pinned = || {
        projects::id.eq_any(
            project_pins::table
                .filter(project_pins::org_id.eq(viewer.org_id))
                .filter(project_pins::user_id.eq(viewer.user_id))
                .select(project_pins::project_id),
        )
    };
    let rows: Vec<(ProjectRecord, bool)> = visible(viewer, filter)
        .select((ProjectRecord::as_select(), pinned()))
        .order((
            pinned().desc(),
            projects::created_at.desc(),
            projects::id.desc(),
        ))
        .offset(offset)
        .limit(size + 1)
        .load(conn)
        .await?;
    let rows = rows
        .into_iter()
        .map(|(record, pinned)| Project::new(record, pinned))
        .collect();
    Ok(Page::of_offset(paging, rows, total_count))
}

/// The projects the caller may see: pinned first, then newest.
pub async fn list(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    filter: &ProjectFilter,
    paging: &Paging,
) -> DomainResult<Page<Project>> {
    list_for(conn, Viewer::from(who), filter, paging).await
}

/// The projects user `user_id` may see (its own projects, the org's `Org` projects, and
/// for an AppAdmin every project), pinned by that user first, then newest. Only for that
/// user or an AppAdmin (403); an unknown user, or another org's, is a 404.
pub async fn list_of_user(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    user_id: &UserId,
    paging: &Paging,
) -> DomainResult<Page<Project>> {
    let user = users::get(conn, &who.user.org_id, user_id).await?;
    if !who.is_admin() && who.user.id != user.id {
        return Err(DomainError::forbidden(
            "admin_required",
            "only the user itself or an AppAdmin may list a user's projects",
        ));
    }
    let viewer = Viewer {
        org_id: &user.org_id,
        user_id: &user.id,
        admin: user.is_admin(),
    };
    list_for(conn, viewer, &ProjectFilter::default(), paging).await
}
