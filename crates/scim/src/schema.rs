//! What Roster serves over SCIM: the attributes it stores, with their types and mutability
//! (`/Schemas`), the resource types (`/ResourceTypes`) and the service provider's
//! configuration (`/ServiceProviderConfig`). An attribute that is not here is ignored on
//! write and never returned.

use serde_json::{json, Value};

use crate::patch::Target;
use crate::path::{GROUP_SCHEMA, USER_SCHEMA};

/// The most resources one page of a list holds (`filter.maxResults`).
pub const MAX_RESULTS: i64 = 200;
/// The page size when `count` is not given.
pub const DEFAULT_COUNT: i64 = 100;

/// One attribute of a schema.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub kind: &'static str,
    pub multi: bool,
    pub mutability: &'static str,
    pub returned: &'static str,
    pub uniqueness: &'static str,
    pub case_exact: bool,
    pub required: bool,
    pub description: &'static str,
    pub sub: &'static [Attr],
}

const fn attr(name: &'static str, kind: &'static str, description: &'static str) -> Attr {
    Attr {
        name,
        kind,
        multi: false,
        mutability: "readWrite",
        returned: "default",
        uniqueness: "none",
        case_exact: false,
        required: false,
        description,
        sub: &[],
    }
}

impl Attr {
    const fn read_only(mut self) -> Self {
        self.mutability = "readOnly";
        self
    }
    const fn multi(mut self) -> Self {
        self.multi = true;
        self
    }
    const fn exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    const fn with(mut self, sub: &'static [Attr]) -> Self {
        self.sub = sub;
        self
    }
    const fn on_request(mut self) -> Self {
        self.returned = "request";
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn required_unique(mut self) -> Self {
        self.required = true;
        self.uniqueness = "server";
        self
    }

    fn to_json(self) -> Value {
        let mut a = json!({
            "name": self.name,
            "type": self.kind,
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        });
        if !self.sub.is_empty() {
            a["subAttributes"] = self.sub.iter().map(|s| s.to_json()).collect();
        }
        if self.kind == "reference" {
            a["referenceTypes"] = json!(["User", "Group"]);
        }
        a
    }
}

const NAME_SUB: &[Attr] = &[
    attr("familyName", "string", "The family name."),
    attr("givenName", "string", "The given name."),
];
const EMAIL_SUB: &[Attr] = &[
    attr("value", "string", "The email address.").required(),
    attr("type", "string", "As sent; `work` when not sent."),
];
const ROLE_SUB: &[Attr] = &[
    attr("value", "string", "AppAdmin or AppMember.").read_only(),
    attr("primary", "boolean", "Always true.").read_only(),
];
const GROUP_REF_SUB: &[Attr] = &[
    attr("value", "string", "The group's id.").read_only(),
    attr("$ref", "reference", "The group's URI.").read_only(),
    attr("display", "string", "The group's displayName.").read_only(),
];
const MEMBER_SUB: &[Attr] = &[
    attr("value", "string", "The member user's id.").exact(),
    attr("$ref", "reference", "The member's URI."),
    attr(
        "display",
        "string",
        "The member user's name; returned when `attributes` names members.display.",
    )
    .read_only()
    .on_request(),
];

/// The User attributes Roster stores.
pub const USER_ATTRS: &[Attr] = &[
    attr(
        "userName",
        "string",
        "Unique in the org, case-insensitive; kept as sent.",
    )
    .required_unique(),
    attr(
        "externalId",
        "string",
        "The identity provider's id for the user.",
    )
    .exact(),
    attr("name", "complex", "The user's name.").with(NAME_SUB),
    attr(
        "displayName",
        "string",
        "The name shown for the user; Roster always has one (from name or userName when not sent).",
    )
    .required(),
    attr("title", "string", "The job position."),
    attr(
        "active",
        "boolean",
        "Whether the user's credentials work in the org (true when not sent).",
    )
    .required(),
    attr(
        "emails",
        "complex",
        "The user's email (one, primary); from userName when not sent and userName is an address.",
    )
    .multi()
    .required()
    .with(EMAIL_SUB),
    attr(
        "roles",
        "complex",
        "The user's role, changed in Roster only.",
    )
    .multi()
    .read_only()
    .with(ROLE_SUB),
    attr("groups", "complex", "The groups the user is a member of.")
        .multi()
        .read_only()
        .with(GROUP_REF_SUB),
];

/// The Group attributes Roster stores.
pub const GROUP_ATTRS: &[Attr] = &[
    attr(
        "displayName",
        "string",
        "Unique in the org, case-insensitive.",
    )
    .required_unique(),
    attr(
        "externalId",
        "string",
        "The identity provider's id for the group.",
    )
    .exact(),
    attr("members", "complex", "The member users.")
        .multi()
        .with(MEMBER_SUB),
];

/// Attributes of RFC 7643's core User schema that Roster does not store: a write to them
/// is ignored (Entra and Okta send some by default), not an `invalidPath`.
pub const USER_IGNORED: &[&str] = &[
    "nickName",
    "profileUrl",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "password",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "entitlements",
    "x509Certificates",
];

/// Sub-attributes of RFC 7643's core User schema that Roster does not store (Entra sends
/// `name.formatted`): ignored on write.
pub const USER_IGNORED_SUBS: &[&str] = &[
    "name.formatted",
    "name.middleName",
    "name.honorificPrefix",
    "name.honorificSuffix",
    "emails.display",
];

/// What a User's PATCH may touch.
pub const USER_TARGET: Target<'static> = Target {
    core: USER_SCHEMA,
    attrs: USER_ATTRS,
    ignored: USER_IGNORED,
    ignored_subs: USER_IGNORED_SUBS,
};

/// What a Group's PATCH may touch.
pub const GROUP_TARGET: Target<'static> = Target {
    core: GROUP_SCHEMA,
    attrs: GROUP_ATTRS,
    ignored: &[],
    ignored_subs: &["members.type"],
};

/// Attributes every resource has, read-only.
pub const COMMON_READ_ONLY: &[&str] = &["id", "meta", "schemas"];

/// The attribute `name` of a schema, found without case.
pub fn find(attrs: &'static [Attr], name: &str) -> Option<&'static Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

fn schema_json(id: &str, name: &str, description: &str, attrs: &[Attr], base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(|a| a.to_json()).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

/// `/Schemas`: the core User and Group, with what Roster stores of them.
pub fn schemas(base: &str) -> Vec<Value> {
    let user = "An App user of the org";
    vec![
        schema_json(USER_SCHEMA, "User", user, USER_ATTRS, base),
        schema_json(GROUP_SCHEMA, "Group", "An org group", GROUP_ATTRS, base),
    ]
}

/// `/ResourceTypes`.
pub fn resource_types(base: &str) -> Vec<Value> {
    let one = |name: &str, endpoint: &str, schema: &str, description: &str| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": description,
            "schema": schema,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}")},
        })
    };
    vec![
        one("User", "/Users", USER_SCHEMA, "The org's App users"),
        one("Group", "/Groups", GROUP_SCHEMA, "The org's groups"),
    ]
}

/// `/ServiceProviderConfig`.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "SCIM token",
            "description": "Authorization: Bearer <SCIM token>; an AppAdmin creates one with POST /api/v1/app/scim-tokens",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}
