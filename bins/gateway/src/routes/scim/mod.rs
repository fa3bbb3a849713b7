//! The SCIM 2.0 server (`/scim/v2`, RFC 7643 and 7644) for identity providers such as Okta
//! and Microsoft Entra. Discovery is public; Users and Groups take a SCIM token bound to
//! one org (`Authorization: Bearer rscim_…`, no `x-org`). Every answer is
//! `application/scim+json`, errors included. The model is `roster-scim`.

pub mod caller;
pub mod discovery;
pub mod groups;
pub mod request;
pub mod respond;
pub mod users;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::SecurityRequirement;

use super::{Family, Table};

pub const FAMILY: Family = Family {
    scope: respond::SCIM_BASE,
    shape: Some(scim_operation),
    // SCIM clients retry by filtering for what they created (RFC 7644), not by key.
    idempotency: None,
};

/// Resources take the SCIM token; discovery takes nothing.
fn scim_operation(operation: &mut Operation) {
    let discovery = operation
        .tags
        .as_ref()
        .is_some_and(|t| t.iter().any(|t| t == "scim-discovery"));
    if !discovery {
        operation.security = Some(vec![SecurityRequirement::new("scim", Vec::<String>::new())]);
    }
}

pub fn register(t: &mut Table) {
    use discovery::*;
    use groups::*;
    use users::*;
    t.add(__path_service_provider_config, service_provider_config)
        .add(__path_resource_types, resource_types)
        .add(__path_resource_type, resource_type)
        .add(__path_schemas, schemas)
        .add(__path_schema_by_id, schema_by_id);
    t.add(__path_search_all, search_all);
    t.add(__path_list_scim_users, list_scim_users)
        .add(__path_create_scim_user, create_scim_user)
        .add(__path_search_scim_users, search_scim_users)
        .add(__path_get_scim_user, get_scim_user)
        .add(__path_replace_scim_user, replace_scim_user)
        .add(__path_patch_scim_user, patch_scim_user)
        .add(__path_delete_scim_user, delete_scim_user);
    t.add(__path_list_scim_groups, list_scim_groups)
        .add(__path_create_scim_group, create_scim_group)
        .add(__path_search_scim_groups, search_scim_groups)
        .add(__path_get_scim_group, get_scim_group)
        .add(__path_replace_scim_group, replace_scim_group)
        .add(__path_patch_scim_group, patch_scim_group)
        .add(__path_delete_scim_group, delete_scim_group);
}
