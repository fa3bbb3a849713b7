//! The App family (`/api/v1/app`, Zylon Workspace API compatible): users, tokens,
//! integrations, groups, projects, members, artifacts, the org's external-users workspaces, its
//! audit log and its webhooks.
//! Every operation takes a bearer token or the session cookie and names its org in `x-org`.

pub mod artifacts;
pub mod audit_events;
pub mod external_workspaces;
pub mod groups;
pub mod integrations;
pub mod members;
pub mod projects;
pub mod scim_tokens;
pub mod tokens;
pub mod user_imports;
pub mod users;
pub mod webhooks;

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ObjectBuilder, Required, Type};

use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::{Family, Table};
use crate::auth::{AppCaller, ORG_HEADER};
use crate::error::ApiError;
use crate::idempotency::Holder;

pub const FAMILY: Family = Family {
    scope: "/api/v1/app",
    shape: Some(app_operation),
    idempotency: Some(app_holder),
};

/// The holder of an App create's `Idempotency-Key`: the org of the request (as `x-org` or
/// the session names it) and the token or session that sent it.
fn app_holder(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Holder, ApiError>> {
    let caller = AppCaller::extract(req);
    let secret = crate::auth::credential(req);
    Box::pin(async move { Ok(Holder::new(&caller.await?.user.org_id, secret)) })
}

/// Every App operation's entry names the `x-org` header first and takes a token or the
/// session cookie.
fn app_operation(operation: &mut Operation) {
    let org = ParameterBuilder::new()
        .name(ORG_HEADER)
        .parameter_in(ParameterIn::Header)
        .description(Some("Org slug or id"))
        .required(Required::True)
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .insert(0, org);
    operation.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
}

pub fn register(t: &mut Table) {
    use artifacts::*;
    use audit_events::__path_list_audit_events;
    use external_workspaces::*;
    use groups::*;
    use integrations::*;
    use members::*;
    use projects::*;
    use scim_tokens::*;
    use tokens::*;
    use user_imports::*;
    use users::*;
    use webhooks::*;
    t.add(__path_me, me)
        .conditional()
        .add(__path_list_users, list_users)
        .add(__path_create_user, create_user)
        .create()
        .add(__path_get_user, get_user)
        .conditional()
        .add(__path_update_user, update_user)
        .conditional()
        .add(__path_patch_user, patch_user)
        .conditional()
        .add(__path_delete_user, delete_user)
        .conditional()
        .add(__path_deactivate_user, deactivate_user)
        .add(__path_activate_user, activate_user);
    t.add(__path_list_org_groups, list_org_groups)
        .add(__path_create_org_group, create_org_group)
        .create()
        .add(__path_get_org_group, get_org_group)
        .conditional()
        .add(__path_update_org_group, update_org_group)
        .conditional()
        .add(__path_delete_org_group, delete_org_group)
        .conditional()
        .add(__path_list_org_group_members, list_org_group_members)
        .add(__path_add_org_group_member, add_org_group_member)
        .create()
        .add(__path_remove_org_group_member, remove_org_group_member);
    t.add(__path_list_user_imports, list_user_imports)
        .add(__path_create_user_import, create_user_import)
        .add(__path_get_user_import, get_user_import)
        .conditional()
        .add(__path_get_user_import_errors, get_user_import_errors)
        .add(__path_export_users, export_users);
    t.add(__path_create_token, create_token)
        .create()
        .secret()
        .add(__path_list_tokens, list_tokens)
        .add(__path_revoke_token, revoke_token);
    t.add(__path_create_scim_token, create_scim_token)
        .create()
        .secret()
        .add(__path_list_scim_tokens, list_scim_tokens)
        .add(__path_revoke_scim_token, revoke_scim_token);
    t.add(__path_list_integrations, list_integrations)
        .add(__path_create_integration, create_integration)
        .create()
        .add(__path_delete_integration, delete_integration);
    t.add(__path_list_projects, list_projects)
        .add(__path_create_project, create_project)
        .create()
        .add(__path_get_project, get_project)
        .conditional()
        .add(__path_update_project, update_project)
        .conditional()
        .add(__path_delete_project, delete_project)
        .conditional()
        .add(__path_pin_project, pin_project)
        .add(__path_unpin_project, unpin_project)
        .add(__path_list_user_projects, list_user_projects);
    t.add(__path_list_members, list_members)
        .add(__path_add_member, add_member)
        .create()
        .add(__path_update_member, update_member)
        .add(__path_remove_member, remove_member);
    t.add(__path_list_artifacts, list_artifacts)
        .add(__path_create_artifact, create_artifact)
        .create()
        .add(__path_get_artifact, get_artifact)
        .conditional()
        .add(__path_update_artifact, update_artifact)
        .conditional()
        .add(__path_delete_artifact, delete_artifact)
        .conditional()
        .add(__path_latest_artifacts, latest_artifacts);
    t.add(__path_list_audit_events, audit_events::list_audit_events);
    t.add(__path_create_webhook, create_webhook)
        .create()
        .secret()
        .add(__path_list_webhooks, list_webhooks)
        .add(__path_get_webhook, get_webhook)
        .conditional()
        .add(__path_update_webhook, update_webhook)
        .conditional()
        .add(__path_delete_webhook, delete_webhook)
        .conditional()
        .add(__path_get_webhook_secret, get_webhook_secret)
        .secret()
        .add(__path_rotate_webhook_secret, rotate_webhook_secret)
        .secret()
        .add(__path_test_webhook, test_webhook)
        .add(__path_list_deliveries, list_deliveries)
        .add(__path_retry_delivery, retry_delivery);
    t.add(__path_create_workspace, create_workspace)
        .create()
        .add(__path_list_workspaces, list_workspaces)
        .add(__path_get_workspace, get_workspace)
        .conditional()
        .add(__path_create_api_key, create_api_key)
        .create()
        .secret()
        .add(__path_list_api_keys, list_api_keys)
        .add(__path_revoke_api_key, revoke_api_key);
}
