//! Per-user pins: a pinned project comes first in its pinner's lists.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::DomainError;
use roster_identity::auth::Principal;

use super::Project;
use crate::access::{self, Access, Lock, Viewer};
use crate::events;
use crate::schema::project_pins;
use crate::ProjectId;

/// Pins a project for the caller (idempotent: pinning a pinned project changes nothing
/// and emits nothing); returns it with `is_pinned` true.
pub async fn pin(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    id: &ProjectId,
) -> DomainResult<Project> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let Access { project, .. } = access::access(conn, viewer, id, Lock::No).await?;
        let pinned = diesel::insert_into(project_pins::table)
            .values((
                project_pins::org_id.eq(viewer.org_id),
                project_pins::user_id.eq(viewer.user_id),
                project_pins::project_id.eq(id),
                project_pins::pinned_at.eq(roster_core::time::now()),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                // The project was deleted in the meantime.
                Some("project_pins_project_fkey") => DomainError::not_found("project"),
                _ => e.into(),
            })?;
        let project = Project::new(project, true);
        if pinned > 0 {
            events::emit(conn, viewer.org_id, EventType::ProjectPinned, id, &project).await?;
        }
        Ok(project)
    })
    .await
}

/// Unpins a project for the caller (idempotent: unpinning an unpinned project emits
/// nothing).
pub async fn unpin(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    id: &ProjectId,
) -> DomainResult<()> {
    let viewer = Viewer::from(who);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let Access { project, .. } = access::access(conn, viewer, id, Lock::No).await?;
        let unpinned =
            diesel::delete(project_pins::table.find((viewer.org_id, viewer.user_id, id)))
                .execute(conn)
                .await?;
        if unpinned > 0 {
            let project = Project::new(project, false);
            events::emit(
                conn,
                viewer.org_id,
                EventType::ProjectUnpinned,
                id,
                &project,
            )
            .await?;
        }
        Ok(())
    })
    .await
}
