//! Bulk import of a workspace's external users: the external users of the import
//! pipeline that `roster_core::imports` runs for every kind of record (one reader, the
//! same options, counts, progress and refused lines as an org's users). A line gives a
//! channel (`channelId`, or `channel` by name), `externalId`, `identifier`, `name`, a tier
//! (`tierId` or `tier`), a group (`externalUserGroupId` or `externalUserGroup`), `blocked`
//! and `createdAt`; an external user is the one of its channel with the same externalId
//! or identifier. Each batch is written set-based ([`write`]) with its users'
//! `external_user.*` events.

pub mod export;
mod raw;
mod refs;
mod row;
mod write;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::imports::{Counts, Format, Kind, LineError, OnConflict};

pub use raw::RawExternalUser;
pub use row::ExternalUserRow;

use crate::schema::external_workspaces;
use crate::WorkspaceId;

/// The external users of a workspace, as an import writes them.
pub struct ExternalUsers {
    workspace_id: WorkspaceId,
    org_id: String,
    refs: refs::Refs,
}

impl ExternalUsers {
    /// The workspace's (which exists: its API key authenticated the caller).
    pub async fn of(conn: &mut AsyncPgConnection, workspace_id: WorkspaceId) -> DomainResult<Self> {
        let org_id = external_workspaces::table
            .find(workspace_id)
            .select(external_workspaces::org_id)
            .first(conn)
            .await?;
        Ok(Self {
            workspace_id,
            org_id,
            refs: refs::Refs::default(),
        })
    }
}

impl Kind for ExternalUsers {
    type Raw = RawExternalUser;
    type Row = ExternalUserRow;
    const NAME: &'static str = "external_users";

    fn accepts(format: Format) -> bool {
        format != Format::Auth0
    }

    fn org_id(&self) -> &str {
        &self.org_id
    }

    fn scope(&self) -> Option<(&'static str, String)> {
        Some(("workspace_id", self.workspace_id.to_string()))
    }

    async fn check(
        &mut self,
        conn: &mut AsyncPgConnection,
        line: u64,
        raw: RawExternalUser,
    ) -> DomainResult<Result<ExternalUserRow, LineError>> {
        ExternalUserRow::check(conn, self.workspace_id, &mut self.refs, line, raw).await
    }

    fn keys(row: &ExternalUserRow) -> Vec<String> {
        let channel = row.channel_id;
        let by_external_id = row
            .external_id
            .iter()
            .map(|e| format!("{channel}\u{1f}e{e}"));
        let by_identifier = row
            .identifier_key
            .iter()
            .map(|i| format!("{channel}\u{1f}i{i}"));
        by_external_id.chain(by_identifier).collect()
    }

    fn duplicate(row: &ExternalUserRow) -> LineError {
        row.error(
            "duplicate_in_file",
            "an earlier line of the file has this externalId or identifier on this channel",
        )
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        rows: Vec<ExternalUserRow>,
        on_conflict: OnConflict,
        counts: &mut Counts,
    ) -> DomainResult<Vec<LineError>> {
        write::batch(
            conn,
            self.workspace_id,
            &self.org_id,
            rows,
            on_conflict,
            counts,
        )
        .await
    }
}
