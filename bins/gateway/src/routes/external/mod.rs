//! The external-users family (Zaia public API compatible): external users and how they
//! authenticate, the workspace's catalogues and groups. Every operation takes a
//! workspace API key in `authorization`, except `me`, which takes an access token.

pub mod auth;
pub mod catalogue;
pub mod groups;
pub mod imports;
pub mod query;
pub mod users;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::SecurityRequirement;

use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::{Family, Table};
use crate::auth::ExternalCaller;
use crate::error::ApiError;
use crate::idempotency::Holder;

pub const FAMILY: Family = Family {
    scope: "",
    shape: Some(external_operation),
    idempotency: Some(external_holder),
};

/// The holder of an external create's `Idempotency-Key`: the workspace of the API key,
/// and the key.
fn external_holder(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Holder, ApiError>> {
    let caller = ExternalCaller::extract(req);
    let secret = crate::auth::authorization_credential(req);
    Box::pin(async move { Ok(Holder::new(caller.await?.workspace_id, secret)) })
}

/// An operation takes a workspace API key unless its entry names another credential.
fn external_operation(operation: &mut Operation) {
    operation
        .security
        .get_or_insert_with(|| vec![SecurityRequirement::new("apiKey", Vec::<String>::new())]);
}

pub fn register(t: &mut Table) {
    use auth::*;
    use catalogue::*;
    use groups::*;
    use imports::*;
    use users::*;
    t.add(__path_authenticate, authenticate)
        .secret()
        .add(__path_me, me)
        .conditional()
        .add(__path_list_external_users, list_external_users)
        .add(__path_create_external_user, create_external_user)
        .create()
        .add(__path_get_external_user, get_external_user)
        .conditional()
        .add(__path_update_external_user, update_external_user)
        .conditional();
    t.add(
        __path_create_external_user_import,
        create_external_user_import,
    )
    .add(__path_get_external_user_import, get_external_user_import)
    .conditional()
    .add(
        __path_get_external_user_import_errors,
        get_external_user_import_errors,
    )
    .add(__path_export_external_users, export_external_users);
    t.add(__path_create_channel, create_channel)
        .create()
        .add(__path_list_channels, list_channels)
        .add(__path_get_channel, get_channel)
        .conditional()
        .add(__path_update_channel, update_channel)
        .conditional()
        .add(__path_delete_channel, delete_channel)
        .conditional();
    t.add(__path_create_tier, create_tier)
        .create()
        .add(__path_list_tiers, list_tiers)
        .add(__path_get_tier, get_tier)
        .conditional()
        .add(__path_update_tier, update_tier)
        .conditional()
        .add(__path_delete_tier, delete_tier)
        .conditional();
    t.add(__path_create_group, create_group)
        .create()
        .add(__path_list_groups, list_groups)
        .add(__path_get_group, get_group)
        .conditional()
        .add(__path_update_group, update_group)
        .conditional()
        .add(__path_delete_group, delete_group)
        .conditional();
}
