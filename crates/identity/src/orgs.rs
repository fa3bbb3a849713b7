//! Orgs: the tenants.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::OrNotFound;
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::text::Slug;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::orgs;
use crate::OrgId;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = orgs, check_for_backend(diesel::pg::Pg))]
pub struct Org {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// Finds an org by slug or by `org_…` id.
pub async fn find(conn: &mut AsyncPgConnection, slug_or_id: &str) -> DomainResult<Org> {
    let query = orgs::table.select(Org::as_select()).into_boxed();
    let query = match OrgId::parse(slug_or_id) {
        Some(id) => query.filter(orgs::id.eq(id)),
        None => query.filter(orgs::slug.eq(slug_or_id)),
    };
    query.first(conn).await.or_not_found("org")
}

/// Creates an org; a taken slug is a 409.
pub async fn create(conn: &mut AsyncPgConnection, slug: &Slug, name: &str) -> DomainResult<Org> {
    diesel::insert_into(orgs::table)
        .values((
            orgs::id.eq(OrgId::generate()),
            orgs::slug.eq(slug.as_str()),
            orgs::name.eq(name),
        ))
        .returning(Org::as_returning())
        .get_result(conn)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some("orgs_slug_key") => {
                DomainError::conflict("slug_taken", "an org with this slug already exists")
                    .on_field("slug", "already taken")
            }
            _ => e.into(),
        })
}

/// Locks the org row for the rest of the transaction, serialising changes that must
/// keep an org-wide invariant (such as "at least one active AppAdmin").
pub async fn lock(conn: &mut AsyncPgConnection, org_id: &OrgId) -> DomainResult<()> {
    orgs::table
        .filter(orgs::id.eq(org_id))
        .select(orgs::id)
        .for_update()
        .first::<OrgId>(conn)
        .await
        .optional()?
        .map(|_| ())
        .ok_or_else(|| DomainError::not_found("org"))
}
