//! The OpenAPI 3.1 document, generated from the route table's entries and wire types.

mod at_least_one;
mod links;
mod no_nul;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::error::{Problem, PROBLEM_JSON};
use crate::routes::scim::respond::{SCIM_BASE, SCIM_JSON};

/// The SCIM error body's schema.
fn scim_error_schema() -> RefOr<Schema> {
    use utoipa::openapi::{ObjectBuilder, Type};
    let string = || ObjectBuilder::new().schema_type(Type::String);
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .property(
                "schemas",
                utoipa::openapi::ArrayBuilder::new().items(string()),
            )
            .property("status", string())
            .property("scimType", string())
            .property("detail", string())
            .required("schemas")
            .required("status")
            .build(),
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Roster", description = "Self-hosted user management: App users, Slack user linking and external users."),
    components(schemas(Problem, roster_core::FieldError, roster_core::events::EventType, roster_core::events::TypeFilter)),
    tags(
        (name = "app-users", description = "Users of an org (Zylon Workspace API compatible)"),
        (name = "groups", description = "Groups of an org's users and their members"),
        (name = "integrations", description = "The caller's integrations with outside tools"),
        (name = "projects", description = "Projects, their members and pins"),
        (name = "artifacts", description = "Artifacts of projects"),
        (name = "tokens", description = "API tokens of the signed-in account"),
        (name = "slack", description = "Slack user linking (Inkeep work-apps Slack API compatible)"),
        (name = "auth", description = "Accounts and sessions (better-auth compatible)"),
        (name = "ops", description = "Health and readiness"),
        (name = "workspaces", description = "External-users workspaces of the org and their API keys"),
        (name = "external-users", description = "External users (Zaia public API compatible)"),
        (name = "channels", description = "Channels external users come from"),
        (name = "tiers", description = "Tiers external users and groups are on"),
        (name = "external-user-groups", description = "Groups of external users"),
        (name = "audit", description = "The org's audit log: every change, newest first"),
        (name = "webhooks", description = "The org's webhook endpoints (Standard Webhooks) and their deliveries"),
        (name = "scim-tokens", description = "SCIM tokens of the org, for its identity provider"),
        (name = "scim", description = "The SCIM 2.0 server (RFC 7643, 7644) for Okta and Entra: the org's Users and Groups; answers and errors are application/scim+json"),
        (name = "scim-discovery", description = "SCIM discovery, without authentication"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (rpat_…) or a session token (rses_…)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "better-auth.session_token",
                "The session cookie set by sign-in",
            ))),
        );
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "authorization",
                "A workspace API key (rxk_…), raw or after `Bearer `",
            ))),
        );
        components.add_security_scheme(
            "scim",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A SCIM token (rscim_…), bound to one org; it works only on /scim/v2",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "accessToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An external user's access token from authenticate"))
                    .build(),
            ),
        );
    }
}

/// The error statuses every operation of a kind can answer, added to each operation so
/// that the document lists every status the gateway really sends.
struct CommonResponses;

const COMMON: &[(&str, &str)] = &[
    (
        "400",
        "Bad input: malformed JSON, wrong types, failed validation, unknown enum values",
    ),
    (
        "401",
        "No credential, or an invalid, expired or revoked one",
    ),
    (
        "403",
        "Not allowed: no active user in this org, or the role is too low",
    ),
    ("404", "No such resource in this org"),
    (
        "409",
        "Conflict with the current state (duplicates, last admin)",
    ),
    (
        "412",
        "If-Match names a version that is not the resource's current one: nothing was changed",
    ),
    ("413", "The request body is larger than 1 MiB"),
    (
        "422",
        "better-auth's USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: an account has this email",
    ),
    ("415", "The request body is not JSON"),
    (
        "429",
        "Too many attempts; retry after Retry-After seconds (RateLimit-* headers)",
    ),
    ("500", "Internal error (the body carries a request id)"),
    (
        "503",
        "The database is unavailable; retry after Retry-After seconds",
    ),
];

pub fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))),
        )
        .build()
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, description) in COMMON {
            components.responses.insert(
                format!("Problem{status}"),
                RefOr::T(problem_response(description)),
            );
        }
        components.responses.insert(
            "ScimError".to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(
                        "A SCIM error (urn:ietf:params:scim:api:messages:2.0:Error): `status` \
                         as a string, `scimType` where one applies, `detail`",
                    )
                    .content(SCIM_JSON, Content::new(Some(scim_error_schema())))
                    .build(),
            ),
        );
        for (path, op) in operations_mut(openapi) {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = op.request_body.is_some();
            let has_path_param = path.contains('{');
            let mut wanted: Vec<&str> = Vec::new();
            if path == "/healthz" {
                continue;
            }
            if path.starts_with(SCIM_BASE) {
                scim_errors(op, secured, has_path_param);
                continue;
            }
            wanted.extend(["500", "503"]);
            if path != "/readyz" {
                wanted.push("400");
            }
            if secured {
                wanted.extend(["401", "403"]);
            }
            if has_body {
                wanted.extend(["413", "415"]);
            }
            if has_path_param {
                wanted.push("404");
            }
            for status in wanted {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        RefOr::Ref(Ref::new(format!("#/components/responses/Problem{status}")))
                    });
            }
        }
    }
}

/// Every operation of the document (methods get, put, post, delete and patch) with its
/// path, in the document's order.
pub(crate) fn operations_mut(
    doc: &mut OpenApiDoc,
) -> impl Iterator<Item = (&str, &mut utoipa::openapi::path::Operation)> {
    doc.paths.paths.iter_mut().flat_map(|(path, item)| {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        ops.into_iter().flatten().map(move |op| (path.as_str(), op))
    })
}

/// SCIM's errors: the SCIM error schema, `application/scim+json`.
fn scim_errors(op: &mut utoipa::openapi::path::Operation, secured: bool, has_path_param: bool) {
    let mut wanted = vec!["400", "500", "503"];
    if secured {
        wanted.extend(["401", "409", "412"]);
    }
    if has_path_param || secured {
        wanted.push("404");
    }
    for status in wanted {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::new("#/components/responses/ScimError")));
    }
}

/// Adds a documented error status to one operation (for statuses specific to it).
pub fn document_error(openapi: &mut OpenApiDoc, path: &str, method: &str, status: &str) {
    if let Some(item) = openapi.paths.paths.get_mut(path) {
        let op = match method {
            "get" => item.get.as_mut(),
            "put" => item.put.as_mut(),
            "post" => item.post.as_mut(),
            "delete" => item.delete.as_mut(),
            "patch" => item.patch.as_mut(),
            _ => None,
        };
        if let Some(op) = op {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| {
                    RefOr::Ref(Ref::new(format!("#/components/responses/Problem{status}")))
                });
        }
    }
}

/// The finished document: the routes' entries (`crate::routes::table`), the credentials
/// and errors they share, and the errors specific to some.
pub fn document() -> OpenApiDoc {
    let mut doc = ApiDoc::openapi();
    let (paths, schemas) = crate::routes::table().paths();
    doc.paths = paths;
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    SecuritySchemes.modify(&mut doc);
    CommonResponses.modify(&mut doc);
    for (path, method, status) in SPECIFIC_ERRORS {
        document_error(&mut doc, path, method, status);
    }
    // Set here, not by `#[schema(min_properties = 1)]`: utoipa-gen 5.5 writes that
    // attribute out as `maxProperties`.
    if let Some(components) = doc.components.as_mut() {
        for name in CHANGES {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*name) {
                object.min_properties = Some(1);
            }
        }
    }
    at_least_one::add(&mut doc);
    links::add(&mut doc);
    no_nul::add(&mut doc);
    doc
}

/// The bodies of changes, which answer 400 `empty_update` when they change nothing.
const CHANGES: &[&str] = &[
    "UpdateUserRequest",
    "UpdateProjectRequest",
    "UpdateArtifactRequest",
    "UpdateChannelRequest",
    "UpdateExternalUserRequest",
    "UpdateGroupRequest",
    "UpdateOrgGroupRequest",
    "UpdateTierRequest",
    "UpdateWebhookRequest",
    "UpdateAccountRequest",
];

/// Errors only some operations answer.
const SPECIFIC_ERRORS: &[(&str, &str, &str)] = &[
    ("/api/v1/app/user", "post", "404"),
    ("/api/v1/app/user", "post", "409"),
    ("/api/v1/app/user/{id}", "put", "409"),
    ("/api/v1/app/user/{id}", "patch", "409"),
    ("/api/v1/app/user/{id}/deactivate", "post", "409"),
    ("/api/v1/app/user/{id}", "delete", "409"),
    ("/api/v1/app/groups", "post", "404"),
    ("/api/v1/app/groups", "post", "409"),
    ("/api/v1/app/groups/{id}", "patch", "409"),
    ("/api/v1/app/groups/{id}/members", "post", "409"),
    ("/api/v1/app/user/integrations/{id}", "delete", "409"),
    ("/api/auth/sign-up/email", "post", "403"),
    ("/api/auth/sign-up/email", "post", "422"),
    ("/api/auth/sign-in/email", "post", "401"),
    ("/api/auth/verify-email", "get", "401"),
    ("/api/auth/sign-out", "post", "403"),
    ("/api/auth/change-password", "post", "401"),
    ("/api/auth/change-password", "post", "403"),
    ("/api/auth/update-user", "post", "401"),
    ("/api/auth/update-user", "post", "403"),
    ("/api/auth/list-sessions", "get", "401"),
    ("/api/auth/revoke-session", "post", "401"),
    ("/api/auth/revoke-session", "post", "403"),
    ("/api/auth/revoke-session", "post", "404"),
    ("/api/auth/revoke-sessions", "post", "401"),
    ("/api/auth/revoke-sessions", "post", "403"),
    ("/api/auth/revoke-other-sessions", "post", "401"),
    ("/api/auth/revoke-other-sessions", "post", "403"),
    ("/api/auth/sign-in/email", "post", "429"),
    ("/api/auth/sign-up/email", "post", "429"),
    ("/api/auth/organization/list", "get", "401"),
    ("/api/auth/organization/set-active", "post", "401"),
    ("/api/auth/organization/set-active", "post", "403"),
    ("/api/auth/organization/set-active", "post", "404"),
    ("/api/v1/external-users/authenticate", "post", "429"),
    ("/work-apps/slack/commands", "post", "429"),
    ("/api/v1/app/user/integrations", "post", "409"),
    ("/api/v1/app/project/{id}/member", "post", "409"),
    ("/api/v1/app/project/{id}/member/{user_id}", "put", "409"),
    ("/api/v1/app/project/{id}/member/{user_id}", "delete", "409"),
    ("/api/v1/external-users/authenticate", "post", "404"),
    ("/api/v1/external-users", "post", "404"),
    ("/api/v1/external-users", "post", "409"),
    ("/api/v1/external-users/{id}", "patch", "409"),
    ("/api/v1/channels/{id}", "delete", "409"),
    ("/api/v1/external-user-groups", "post", "404"),
    ("/api/v1/external-user-groups", "post", "409"),
    ("/api/v1/external-user-groups/{id}", "patch", "409"),
    ("/work-apps/slack/users/link/verify-token", "post", "404"),
    ("/work-apps/slack/users/link/verify-token", "post", "409"),
    ("/work-apps/slack/users/status", "get", "404"),
    ("/work-apps/slack/users/disconnect", "post", "404"),
    ("/work-apps/slack/workspaces", "post", "409"),
    ("/work-apps/slack/commands", "post", "401"),
    ("/work-apps/slack/oauth_redirect", "get", "409"),
    ("/work-apps/slack/connect/callback", "get", "404"),
    ("/work-apps/slack/connect/callback", "get", "409"),
];
