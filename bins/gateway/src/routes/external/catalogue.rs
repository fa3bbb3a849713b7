//! The workspace's catalogues (`/api/v1/channels`, `/api/v1/tiers`): one set of handlers
//! serves every [`Catalogue`]; `catalogue_routes!` names them per catalogue, with the
//! words of its OpenAPI entries.

use actix_web::{web, HttpResponse};
use roster_external_users::catalogue::{Catalogue, NameOf};
use roster_external_users::channels::{
    Channel, Channels, CreateChannelRequest, UpdateChannelRequest,
};
use roster_external_users::tiers::{CreateTierRequest, Tier, Tiers, UpdateTierRequest};

use super::query::{listed, ListQuery, PageQuery};
use crate::auth::ExternalCaller;
use crate::error::ApiResult;
use crate::extract::ids::PathId;
use crate::extract::{tagged, ApiJson, Conditional, IdPath};
use crate::state::AppState;

async fn create<C: Catalogue>(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<C::Create>,
) -> ApiResult<HttpResponse> {
    let name = body.name()?;
    let mut conn = state.conn().await?;
    let entry = C::create(&mut conn, caller.workspace_id, &name).await?;
    Ok(HttpResponse::Ok().json(entry))
}

async fn list<C: Catalogue>(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = q.page()?;
    let mut conn = state.conn().await?;
    Ok(listed(C::list(&mut conn, caller.workspace_id, page).await?))
}

async fn get<C: Catalogue<Id: PathId>>(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<C::Id>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&C::get(&mut conn, caller.workspace_id, id).await?))
}

async fn rename<C: Catalogue<Id: PathId>>(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<C::Update>,
    IdPath(id): IdPath<C::Id>,
) -> ApiResult<HttpResponse> {
    let name = body.name()?;
    let mut conn = state.conn().await?;
    let entry = C::rename(&mut conn, caller.workspace_id, id, &name, &cond.pre).await?;
    Ok(tagged(&entry))
}

async fn delete<C: Catalogue<Id: PathId>>(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<C::Id>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    C::delete(&mut conn, caller.workspace_id, id, &cond.pre).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The five operations of one catalogue, each an OpenAPI entry over the shared handler.
macro_rules! catalogue_routes {
    (
        $catalogue:ty, tag: $tag:tt, collection: $collection:tt, item: $item:tt,
        entry: $entry:ty, create_body: $create_body:ty, update_body: $update_body:ty,
        id: $id_doc:tt,
        $create:ident: $create_doc:tt => $created:tt,
        $list:ident: $list_doc:tt => $listed:tt, $count:tt,
        $get:ident: $get_doc:tt => $got:tt,
        $rename:ident: $rename_doc:tt => $renamed:tt,
        $delete:ident: $delete_doc:tt $(,)?
    ) => {
        #[doc = $create_doc]
        #[utoipa::path(post, path = $collection, tag = $tag,
                            request_body = $create_body,
                            responses((status = 200, description = $created, body = $entry)))]
        pub async fn $create(
            state: web::Data<AppState>,
            caller: ExternalCaller,
            body: ApiJson<$create_body>,
        ) -> ApiResult<HttpResponse> {
            create::<$catalogue>(state, caller, body).await
        }

        #[doc = $list_doc]
        #[utoipa::path(get, path = $collection, tag = $tag,
                            params(PageQuery),
                            responses((status = 200, description = $listed, body = Vec<$entry>,
                                headers(("X-Total-Count" = i64, description = $count)))))]
        pub async fn $list(
            state: web::Data<AppState>,
            caller: ExternalCaller,
            query: ListQuery<PageQuery>,
        ) -> ApiResult<HttpResponse> {
            list::<$catalogue>(state, caller, query).await
        }

        #[doc = $get_doc]
        #[utoipa::path(get, path = $item, tag = $tag,
                            params(("id" = String, Path, description = $id_doc)),
                            responses((status = 200, description = $got, body = $entry)))]
        pub async fn $get(
            state: web::Data<AppState>,
            caller: ExternalCaller,
            cond: Conditional,
            id: IdPath<<$catalogue as Catalogue>::Id>,
        ) -> ApiResult<HttpResponse> {
            get::<$catalogue>(state, caller, cond, id).await
        }

        #[doc = $rename_doc]
        #[utoipa::path(patch, path = $item, tag = $tag,
                            params(("id" = String, Path, description = $id_doc)),
                            request_body = $update_body,
                            responses((status = 200, description = $renamed, body = $entry)))]
        pub async fn $rename(
            state: web::Data<AppState>,
            caller: ExternalCaller,
            cond: Conditional,
            body: ApiJson<$update_body>,
            id: IdPath<<$catalogue as Catalogue>::Id>,
        ) -> ApiResult<HttpResponse> {
            rename::<$catalogue>(state, caller, cond, body, id).await
        }

        #[doc = $delete_doc]
        #[utoipa::path(delete, path = $item, tag = $tag,
                            params(("id" = String, Path, description = $id_doc)),
                            responses((status = 204, description = "Deleted")))]
        pub async fn $delete(
            state: web::Data<AppState>,
            caller: ExternalCaller,
            cond: Conditional,
            id: IdPath<<$catalogue as Catalogue>::Id>,
        ) -> ApiResult<HttpResponse> {
            delete::<$catalogue>(state, caller, cond, id).await
        }
    };
}

catalogue_routes! {
    Channels, tag: "channels", collection: "/api/v1/channels", item: "/api/v1/channels/{id}",
    entry: Channel, create_body: CreateChannelRequest, update_body: UpdateChannelRequest,
    id: "A channel id (UUID)",
    create_channel: "Creates a channel." => "The channel was created.",
    list_channels: "The workspace's channels, oldest first. The total is in `X-Total-Count`."
        => "The workspace's channels.", "How many channels there are",
    get_channel: "One channel of the workspace." => "The channel.",
    update_channel: "Renames a channel." => "The channel was updated.",
    delete_channel: "Deletes a channel; one that still has external users is a 409.",
}

catalogue_routes! {
    Tiers, tag: "tiers", collection: "/api/v1/tiers", item: "/api/v1/tiers/{id}",
    entry: Tier, create_body: CreateTierRequest, update_body: UpdateTierRequest,
    id: "A tier id (UUID)",
    create_tier: "Creates a tier." => "The tier was created.",
    list_tiers: "The workspace's tiers, oldest first. The total is in `X-Total-Count`."
        => "The workspace's tiers.", "How many tiers there are",
    get_tier: "One tier of the workspace." => "The tier.",
    update_tier: "Renames a tier." => "The tier was updated.",
    delete_tier: "Deletes a tier; its users and groups are left without one.",
}
