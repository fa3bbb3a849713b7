//! A workspace's catalogues: lists of named entries (channels, tiers) that external users
//! and groups refer to. Every catalogue is created, read, listed, renamed and deleted the
//! same way; `catalogue!` writes that once for a table, and [`Catalogue`] lets callers
//! (the gateway's handlers) serve any of them with one set of functions.

use std::future::Future;

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::etag::{Precondition, Versioned};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::paging::{Listed, PageRequest};
use crate::WorkspaceId;

/// A catalogue of a workspace, each entry scoped by it: another workspace's are 404s.
pub trait Catalogue: 'static {
    type Id: Copy;
    /// An entry as the API shows it.
    type Entry: Serialize + Versioned;
    /// The body that creates an entry.
    type Create: DeserializeOwned + NameOf;
    /// The body that renames one.
    type Update: DeserializeOwned + NameOf;

    fn create(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        name: &str,
    ) -> impl Future<Output = DomainResult<Self::Entry>>;
    fn get(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        id: Self::Id,
    ) -> impl Future<Output = DomainResult<Self::Entry>>;
    /// Oldest first.
    fn list(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        page: PageRequest,
    ) -> impl Future<Output = DomainResult<Listed<Self::Entry>>>;
    fn rename(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        id: Self::Id,
        name: &str,
        pre: &Precondition,
    ) -> impl Future<Output = DomainResult<Self::Entry>>;
    fn delete(
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        id: Self::Id,
        pre: &Precondition,
    ) -> impl Future<Output = DomainResult<()>>;
}

/// The name a create or rename body carries, validated (3 to 50 characters); a rename
/// without one changes nothing (400).
pub trait NameOf {
    fn name(&self) -> DomainResult<String>;
}

/// Writes a catalogue over `$table` (columns `workspace_id`, `id`, `name`, `created_at`,
/// `updated_at`): its entry and request types, its functions, and its [`Catalogue`] impl
/// on `$catalogue`. `in_use` turns a foreign key that refuses a delete into a 409.
#[macro_export]
macro_rules! catalogue {
    (
        $(#[$catalogue_meta:meta])* $catalogue:ident,
        table: $table:ident,
        id: $id:ty,
        resource: $resource:tt,
        what: $what:tt,
        $(#[$entry_meta:meta])* entry: $entry:ident,
        $(#[$create_meta:meta])* create: $create:ident,
        $(#[$update_meta:meta])* update: $update:ident,
        example: $example:tt,
        events: [$created:ident, $updated:ident, $deleted:ident],
        in_use: [$($constraint:tt => ($code:tt, $detail:tt)),*] $(,)?
    ) => {
        use diesel::prelude::*;
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        use roster_core::error::{violated_constraint, DomainResult};
        use roster_core::etag::Precondition;
        use roster_core::events::EventType;
        use roster_core::patch;
        use roster_core::schema::StringSchema;
        use roster_core::time::Timestamp;
        use roster_core::DomainError;
        use serde::{Deserialize, Serialize};
        use utoipa::ToSchema;

        use $crate::catalogue::{Catalogue, NameOf};
        use $crate::input::{self, Errors, NAME};
        use $crate::paging::{Listed, PageRequest};
        use $crate::schema::$table;
        use $crate::WorkspaceId;

        $(#[$catalogue_meta])*
        pub struct $catalogue;

        $(#[$entry_meta])*
        #[roster_core::time::timestamps(millis, example = "2026-02-08T14:12:45.123Z")]
        #[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
        #[diesel(table_name = $table, check_for_backend(diesel::pg::Pg))]
        #[serde(rename_all = "camelCase")]
        pub struct $entry {
            pub created_at: Timestamp,
            pub id: $id,
            pub updated_at: Timestamp,
            #[schema(schema_with = entry_name)]
            pub name: String,
            pub workspace_id: WorkspaceId,
        }

        $(#[$create_meta])*
        #[derive(Debug, Clone, Deserialize, ToSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $create {
            #[schema(schema_with = new_name)]
            pub name: String,
        }

        $(#[$update_meta])*
        #[derive(Debug, Clone, Deserialize, ToSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $update {
            #[serde(default)]
            #[schema(schema_with = name_change)]
            pub name: Option<String>,
        }

        roster_core::versioned!($entry);

        impl NameOf for $create {
            fn name(&self) -> DomainResult<String> {
                NAME.parse("name", &self.name)
            }
        }

        impl NameOf for $update {
            fn name(&self) -> DomainResult<String> {
                let mut errors = Errors::default();
                let name = self
                    .name
                    .as_deref()
                    .and_then(|n| errors.take(NAME.parse("name", n)));
                errors.finish()?;
                name.ok_or_else(patch::empty_update)
            }
        }

        fn entry_name() -> StringSchema {
            input::described_name(Some($what)).example($example)
        }

        fn new_name() -> StringSchema {
            input::described_name(None).example($example)
        }

        fn name_change() -> StringSchema {
            input::described_name(None)
        }

        fn not_found() -> DomainError {
            DomainError::not_found($resource)
        }

        pub async fn create(
            conn: &mut AsyncPgConnection,
            workspace_id: WorkspaceId,
            name: &str,
        ) -> DomainResult<$entry> {
            let now = roster_core::time::now();
            conn.transaction::<_, DomainError, _>(async |conn| {
                let entry = diesel::insert_into($table::table)
                    .values((
                        $table::workspace_id.eq(workspace_id),
                        $table::id.eq(<$id>::generate()),
                        $table::name.eq(name),
                        $table::created_at.eq(now),
                        $table::updated_at.eq(now),
                    ))
                    .returning($entry::as_returning())
                    .get_result(conn)
                    .await?;
                $crate::events::emit(conn, workspace_id, EventType::$created, &entry.id, &entry)
                    .await?;
                Ok(entry)
            })
            .await
        }

        /// An entry of this workspace; anyone else's is a 404.
        pub async fn get(
            conn: &mut AsyncPgConnection,
            workspace_id: WorkspaceId,
            id: $id,
        ) -> DomainResult<$entry> {
            $table::table
                .find((workspace_id, id))
                .select($entry::as_select())
                .first(conn)
                .await
                .optional()?
                .ok_or_else(not_found)
        }

        /// The workspace's entries, oldest first.
        pub async fn list(
            conn: &mut AsyncPgConnection,
            workspace_id: WorkspaceId,
            page: PageRequest,
        ) -> DomainResult<Listed<$entry>> {
            let total: i64 = $table::table
                .filter($table::workspace_id.eq(workspace_id))
                .count()
                .get_result(conn)
                .await?;
            let items = $table::table
                .filter($table::workspace_id.eq(workspace_id))
                .order(($table::created_at.asc(), $table::id.asc()))
                .offset(page.offset())
                .limit(page.size)
                .select($entry::as_select())
                .load(conn)
                .await?;
            Ok(Listed { items, total })
        }

        /// Renames an entry; a stale `pre` is a 412.
        pub async fn rename(
            conn: &mut AsyncPgConnection,
            workspace_id: WorkspaceId,
            id: $id,
            name: &str,
            pre: &Precondition,
        ) -> DomainResult<$entry> {
            conn.transaction::<_, DomainError, _>(async |conn| {
                roster_core::check_locked!(pre, conn, $table, (workspace_id, id)).await?;
                let entry = diesel::update($table::table.find((workspace_id, id)))
                    .set((
                        $table::name.eq(name),
                        $table::updated_at.eq(roster_core::time::now()),
                    ))
                    .returning($entry::as_returning())
                    .get_result(conn)
                    .await
                    .optional()?
                    .ok_or_else(not_found)?;
                $crate::events::emit(conn, workspace_id, EventType::$updated, &entry.id, &entry)
                    .await?;
                Ok(entry)
            })
            .await
        }

        /// Deletes an entry; a stale `pre` is a 412 (checked on the row as deleted, and
        /// the delete rolled back).
        pub async fn delete(
            conn: &mut AsyncPgConnection,
            workspace_id: WorkspaceId,
            id: $id,
            pre: &Precondition,
        ) -> DomainResult<()> {
            conn.transaction::<_, DomainError, _>(async |conn| {
                let version = diesel::delete($table::table.find((workspace_id, id)))
                    .returning($table::updated_at)
                    .get_result(conn)
                    .await
                    .optional()
                    .map_err(|e| -> DomainError {
                        match violated_constraint(&e) {
                            $(Some($constraint) => DomainError::conflict($code, $detail),)*
                            _ => e.into(),
                        }
                    })?
                    .ok_or_else(not_found)?;
                pre.check(version)?;
                $crate::events::removed(conn, workspace_id, EventType::$deleted, &id).await
            })
            .await
        }

        impl Catalogue for $catalogue {
            type Id = $id;
            type Entry = $entry;
            type Create = $create;
            type Update = $update;

            async fn create(
                conn: &mut AsyncPgConnection,
                workspace_id: WorkspaceId,
                name: &str,
            ) -> DomainResult<$entry> {
                create(conn, workspace_id, name).await
            }

            async fn get(
                conn: &mut AsyncPgConnection,
                workspace_id: WorkspaceId,
                id: $id,
            ) -> DomainResult<$entry> {
                get(conn, workspace_id, id).await
            }

            async fn list(
                conn: &mut AsyncPgConnection,
                workspace_id: WorkspaceId,
                page: PageRequest,
            ) -> DomainResult<Listed<$entry>> {
                list(conn, workspace_id, page).await
            }

            async fn rename(
                conn: &mut AsyncPgConnection,
                workspace_id: WorkspaceId,
                id: $id,
                name: &str,
                pre: &Precondition,
            ) -> DomainResult<$entry> {
                rename(conn, workspace_id, id, name, pre).await
            }

            async fn delete(
                conn: &mut AsyncPgConnection,
                workspace_id: WorkspaceId,
                id: $id,
                pre: &Precondition,
            ) -> DomainResult<()> {
                delete(conn, workspace_id, id, pre).await
            }
        }
    };
}
