//! Ids from the path. A malformed id names nothing there, so it is a 404 for the kind of
//! resource it would name, as an unknown one is.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::error::{ApiError, ApiResult};

/// An id that can stand in a path.
pub trait PathId: Sized {
    /// What the 404 of a malformed one names (`user`, `project`, ...).
    const RESOURCE: &'static str;
    fn parse_path(raw: &str) -> Option<Self>;
}

/// The ids of a path, in the order the path names them: one id or a pair.
pub trait PathIds: Sized {
    fn from_segments(segments: &[&str]) -> ApiResult<Self>;
}

fn id<T: PathId>(segment: Option<&&str>) -> ApiResult<T> {
    segment
        .and_then(|raw| T::parse_path(raw))
        .ok_or_else(|| ApiError::not_found(T::RESOURCE))
}

impl<T: PathId> PathIds for T {
    fn from_segments(segments: &[&str]) -> ApiResult<Self> {
        id(segments.first())
    }
}

impl<A: PathId, B: PathId> PathIds for (A, B) {
    fn from_segments(segments: &[&str]) -> ApiResult<Self> {
        Ok((id(segments.first())?, id(segments.get(1))?))
    }
}

/// The ids of the matched path. Put it after a handler's other extractors: a malformed id
/// is found after the credential, the query and the body are.
#[derive(Debug)]
pub struct IdPath<T>(pub T);

impl<T: PathIds> FromRequest for IdPath<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let segments: Vec<&str> = req.match_info().iter().map(|(_, value)| value).collect();
        ready(T::from_segments(&segments).map(IdPath))
    }
}

macro_rules! path_ids {
    ($($ty:ty => $resource:literal),* $(,)?) => {$(
        impl PathId for $ty {
            const RESOURCE: &'static str = $resource;
            fn parse_path(raw: &str) -> Option<Self> {
                <$ty>::parse(raw)
            }
        }
    )*};
}

path_ids! {
    roster_identity::UserId => "user",
    roster_identity::TokenId => "token",
    roster_identity::ScimTokenId => "scim_token",
    roster_identity::IntegrationId => "integration",
    roster_identity::OrgGroupId => "group",
    roster_identity::ImportId => "import",
    roster_projects::ProjectId => "project",
    roster_projects::ArtifactId => "artifact",
    roster_external_users::WorkspaceId => "workspace",
    roster_external_users::ApiKeyId => "api_key",
    roster_external_users::UserId => "external_user",
    roster_external_users::ChannelId => "channel",
    roster_external_users::TierId => "tier",
    roster_external_users::GroupId => "external_user_group",
    roster_slack::TeamId => "slack_workspace",
    roster_webhooks::EndpointId => "webhook",
    roster_webhooks::DeliveryId => "delivery",
}
