//! Artifacts: documents and other files added to a project. Whoever sees the project sees
//! its artifacts; Owners, Editors and AppAdmins add, change and delete them.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::db::OrNotFound;
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::page::{Cursor, Keyset, ListOrder, Page, Paging};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::{users, OrgId, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{self, Lock, Viewer, Visibility};
use crate::events;
use crate::schema::{artifacts, projects};
use crate::{ArtifactId, ProjectId};

/// A project's artifacts run newest first, on the `(org_id, project_id, created_at, id)` index.
const ARTIFACTS: Keyset<artifacts::created_at, artifacts::id> =
    Keyset::new(artifacts::created_at, artifacts::id, ListOrder::NewestFirst);

/// Most artifacts `latest` returns.
pub const MAX_LATEST: i64 = 100;
/// Artifacts `latest` returns without `limit`.
pub const DEFAULT_LATEST: i64 = 10;

roster_core::text_enum!(
    /// What kind of file an artifact is.
    ArtifactType { Document, Spreadsheet, Presentation, Image, Other }
);

roster_core::text_enum!(
    /// Where an artifact came from.
    ArtifactSource { User, Integration, Agent }
);

roster_core::text_enum!(
    /// Whether an artifact can be used yet.
    ArtifactState { Processing, Ready, Failed }
);

roster_core::text_enum!(
    /// How far the artifact's content has been ingested.
    IngestStatus { Pending, InProgress, Done, Failed }
);

/// An artifact as stored and shown.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = artifacts, check_for_backend(diesel::pg::Pg))]
pub struct Artifact {
    pub id: ArtifactId,
    pub project_id: ProjectId,
    #[schema(example = "Q1 Support Summary")]
    pub name: String,
    #[serde(rename = "type")]
    #[diesel(column_name = type_)]
    pub kind: ArtifactType,
    pub source: ArtifactSource,
    pub state: ArtifactState,
    pub ingest_status: IngestStatus,
    pub has_content: bool,
    /// The user who added the artifact.
    pub created_by: UserId,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:30:12Z")]
    pub created_at: Timestamp,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:30:12Z")]
    pub updated_at: Timestamp,
}

roster_core::versioned!(Artifact);

impl Artifact {
    /// The row's position in a project's list of artifacts.
    fn cursor(&self) -> Cursor {
        Cursor::of(self.created_at, &self.id)
    }
}

/// An artifact to add.
#[derive(Debug, Clone)]
pub struct NewArtifact {
    pub name: String,
    pub kind: ArtifactType,
    pub source: ArtifactSource,
    pub state: ArtifactState,
    pub ingest_status: IngestStatus,
    pub has_content: bool,
}

/// Changes to an artifact; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = artifacts)]
pub struct ArtifactChanges {
    pub name: Option<String>,
    #[diesel(column_name = type_)]
    pub kind: Option<ArtifactType>,
    pub state: Option<ArtifactState>,
    pub ingest_status: Option<IngestStatus>,
    pub has_content: Option<bool>,
}

impl ArtifactChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.kind.is_none()
            && self.state.is_none()
            && self.ingest_status.is_none()
            && self.has_content.is_none()
    }
}

/// List filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct ArtifactFilter {
    pub kind: Option<ArtifactType>,
    pub state: Option<ArtifactState>,
}

/// Adds an artifact to a project (Owner, Editor or AppAdmin); the caller is its creator.
pub async fn create(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    new: NewArtifact,
) -> DomainResult<Artifact> {
    let viewer = editor(conn, who, project_id).await?;
    let now = roster_core::time::now();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let artifact = diesel::insert_into(artifacts::table)
            .values((
                artifacts::org_id.eq(viewer.org_id),
                artifacts::id.eq(ArtifactId::generate()),
                artifacts::project_id.eq(project_id),
                artifacts::name.eq(new.name),
                artifacts::type_.eq(new.kind),
                artifacts::source.eq(new.source),
                artifacts::state.eq(new.state),
                artifacts::ingest_status.eq(new.ingest_status),
                artifacts::has_content.eq(new.has_content),
                artifacts::created_by.eq(viewer.user_id),
                artifacts::created_at.eq(now),
                artifacts::updated_at.eq(now),
            ))
            .returning(Artifact::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                // The project was deleted in the meantime.
                Some("artifacts_project_fkey") => DomainError::not_found("project"),
                _ => e.into(),
            })?;
        let kind = EventType::ArtifactCreated;
        events::emit(conn, viewer.org_id, kind, &artifact.id, &artifact).await?;
        Ok(artifact)
    })
    .await
}

fn in_project<'a>(
    org_id: &'a OrgId,
    project_id: &'a ProjectId,
    filter: &'a ArtifactFilter,
) -> artifacts::BoxedQuery<'a, diesel::pg::Pg> {
    let mut query = artifacts::table
        .filter(artifacts::org_id.eq(org_id))
        .filter(artifacts::project_id.eq(project_id))
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(artifacts::type_.eq(kind));
    }
    if let Some(state) = filter.state {
        query = query.filter(artifacts::state.eq(state));
    }
    query
}

/// A project's artifacts, newest first, by page or by cursor. Three queries at most.
pub async fn list(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    filter: &ArtifactFilter,
    paging: &Paging,
) -> DomainResult<Page<Artifact>> {
    let viewer = Viewer::from(who);
    access::access(conn, viewer, project_id, Lock::No).await?;
    let org_id = viewer.org_id;
    let total_count: i64 = in_project(org_id, project_id, filter)
        .count()
        .get_result(conn)
        .await?;
    let rows_exist_behind = ARTIFACTS
        .behind(
            in_project(org_id, project_id, filter).select(artifacts::id),
            paging,
        )
        .load(conn)
        .await?;
    let rows = ARTIFACTS
        .page(
            in_project(org_id, project_id, filter).select(Artifact::as_select()),
            paging,
        )
        .load(conn)
        .await?;
    Ok(Page::assemble(
        paging,
        rows,
        total_count,
        rows_exist_behind,
        Artifact::cursor,
    ))
}

/// The caller as an Owner, Editor or AppAdmin of the project: anyone else is refused.
async fn editor<'a>(
    conn: &mut AsyncPgConnection,
    who: &'a Principal,
    project_id: &ProjectId,
) -> DomainResult<Viewer<'a>> {
    let viewer = Viewer::from(who);
    access::access(conn, viewer, project_id, Lock::No)
        .await?
        .require_editor()?;
    Ok(viewer)
}

/// Artifact `id` when it is one of the project's.
#[diesel::dsl::auto_type(no_type_alias)]
fn one<'a>(org_id: &'a OrgId, project_id: &'a ProjectId, id: &'a ArtifactId) -> _ {
    artifacts::table
        .find((org_id, id))
        .filter(artifacts::project_id.eq(project_id))
}

async fn find(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    project_id: &ProjectId,
    id: &ArtifactId,
) -> DomainResult<Artifact> {
    one(org_id, project_id, id)
        .select(Artifact::as_select())
        .first(conn)
        .await
        .or_not_found("artifact")
}

/// One artifact of a project the caller may see.
pub async fn get(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    id: &ArtifactId,
) -> DomainResult<Artifact> {
    let viewer = Viewer::from(who);
    access::access(conn, viewer, project_id, Lock::No).await?;
    find(conn, viewer.org_id, project_id, id).await
}

/// Changes an artifact (Owner, Editor or AppAdmin); a stale `pre` is a 412.
pub async fn update(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    id: &ArtifactId,
    changes: ArtifactChanges,
    pre: &Precondition,
) -> DomainResult<Artifact> {
    let viewer = editor(conn, who, project_id).await?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        check_locked(conn, viewer.org_id, project_id, id, pre).await?;
        let artifact = diesel::update(one(viewer.org_id, project_id, id))
            .set((&changes, artifacts::updated_at.eq(roster_core::time::now())))
            .returning(Artifact::as_returning())
            .get_result(conn)
            .await
            .or_not_found("artifact")?;
        let kind = EventType::ArtifactUpdated;
        events::emit(conn, viewer.org_id, kind, id, &artifact).await?;
        Ok(artifact)
    })
    .await
}

/// Deletes an artifact (Owner, Editor or AppAdmin); a stale `pre` is a 412.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    project_id: &ProjectId,
    id: &ArtifactId,
    pre: &Precondition,
) -> DomainResult<()> {
    let viewer = editor(conn, who, project_id).await?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        check_locked(conn, viewer.org_id, project_id, id, pre).await?;
        let n = diesel::delete(one(viewer.org_id, project_id, id))
            .execute(conn)
            .await?;
        if n == 0 {
            return Err(DomainError::not_found("artifact"));
        }
        roster_core::events::emit_removed(
            conn,
            viewer.org_id.as_str(),
            EventType::ArtifactDeleted,
            id.as_str(),
        )
        .await
    })
    .await
}

/// Checks `pre` on the artifact's row, locked, when it is one of the project's.
async fn check_locked(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    project_id: &ProjectId,
    id: &ArtifactId,
    pre: &Precondition,
) -> DomainResult<()> {
    pre.check_row(async || {
        one(org_id, project_id, id)
            .select(artifacts::updated_at)
            .for_update()
            .first(conn)
            .await
            .optional()
    })
    .await
}

/// The artifacts user `user_id` added, newest first, at most `limit`, only from projects
/// the caller may see. An unknown user, or another org's, is a 404.
pub async fn latest_of_user(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    user_id: &UserId,
    limit: i64,
) -> DomainResult<Vec<Artifact>> {
    let viewer = Viewer::from(who);
    let user = users::get(conn, viewer.org_id, user_id).await?;
    let mut query = artifacts::table
        .filter(artifacts::org_id.eq(viewer.org_id))
        .filter(artifacts::created_by.eq(&user.id))
        .into_boxed();
    if !viewer.admin {
        let visible_projects = projects::table
            .filter(projects::org_id.eq(viewer.org_id))
            .filter(
                projects::visibility
                    .eq(Visibility::Org)
                    .or(projects::id.eq_any(access::member_project_ids(viewer))),
            )
            .select(projects::id);
        query = query.filter(artifacts::project_id.eq_any(visible_projects));
    }
    Ok(ARTIFACTS
        .in_list_order(query.select(Artifact::as_select()))
        .limit(limit)
        .load(conn)
        .await?)
}
