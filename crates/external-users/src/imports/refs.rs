//! What a line refers to (its channel, tier and group), by id or by name, looked up in the
//! workspace once per distinct reference: another workspace's ids are not found.

use std::collections::HashMap;

use diesel::sql_types::{Text, Uuid};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::DomainError;

use crate::WorkspaceId;

/// A catalogue a line refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Catalogue {
    Channel,
    Tier,
    Group,
}

impl Catalogue {
    fn table(self) -> &'static str {
        match self {
            Self::Channel => "external_channels",
            Self::Tier => "external_tiers",
            Self::Group => "external_user_groups",
        }
    }

    /// The resource (its `_not_found` code) and the fields naming it by id and by name.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Channel => ("channel", "channelId", "channel"),
            Self::Tier => ("tier", "tierId", "tier"),
            Self::Group => (
                "external_user_group",
                "externalUserGroupId",
                "externalUserGroup",
            ),
        }
    }
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Uuid)]
    id: uuid::Uuid,
}

/// Entries looked up so far: (catalogue, by name, reference) -> the ids found (at most 2).
#[derive(Default)]
pub(super) struct Refs {
    found: HashMap<(Catalogue, bool, String), Vec<uuid::Uuid>>,
}

/// Lookups kept at most; past it, the cache starts again.
const KEPT: usize = 10_000;

impl Refs {
    /// The entry a line names by id or by name (never both); `None` when it names none.
    /// The inner error is the line's.
    pub(super) async fn resolve(
        &mut self,
        conn: &mut AsyncPgConnection,
        workspace_id: WorkspaceId,
        catalogue: Catalogue,
        id: Option<&str>,
        name: Option<&str>,
    ) -> DomainResult<Result<Option<uuid::Uuid>, DomainError>> {
        let (what, id_field, name_field) = catalogue.names();
        let (by_name, reference) = match (blank(id), blank(name)) {
            (None, None) => return Ok(Ok(None)),
            (Some(_), Some(_)) => {
                let why = format!("give {id_field} or {name_field}, not both");
                return Ok(Err(DomainError::invalid(id_field, why)));
            }
            (Some(id), None) => match uuid::Uuid::try_parse(id) {
                Ok(id) => (false, id.to_string()),
                Err(_) => return Ok(Err(DomainError::invalid(id_field, "must be a UUID"))),
            },
            (None, Some(name)) => (true, name.to_owned()),
        };
        let key = (catalogue, by_name, reference);
        if !self.found.contains_key(&key) {
            let ids = lookup(conn, workspace_id, catalogue, by_name, &key.2).await?;
            if self.found.len() >= KEPT {
                self.found.clear();
            }
            self.found.insert(key.clone(), ids);
        }
        Ok(match self.found[&key].as_slice() {
            [id] => Ok(Some(*id)),
            [] => Err(DomainError::not_found(what)),
            _ => Err(DomainError::bad_request(
                format!("ambiguous_{what}"),
                format!(
                    "more than one {what} of the workspace is named `{}`: give its {id_field}",
                    key.2
                ),
            )),
        })
    }
}

/// A reference as given, without the blanks around it; `None` when it is empty.
fn blank(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

async fn lookup(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    catalogue: Catalogue,
    by_name: bool,
    reference: &str,
) -> DomainResult<Vec<uuid::Uuid>> {
    let matching = if by_name {
        "name = $2"
    } else {
        "id = $2::uuid"
    };
    let sql = format!(
        "SELECT id FROM {} WHERE workspace_id = $1 AND {matching} ORDER BY created_at, id LIMIT 2",
        catalogue.table()
    );
    let found: Vec<Found> = diesel::sql_query(sql)
        .bind::<Uuid, _>(workspace_id)
        .bind::<Text, _>(reference)
        .load(conn)
        .await?;
    Ok(found.into_iter().map(|f| f.id).collect())
}
