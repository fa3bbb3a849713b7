//! `roster-scim`: the SCIM 2.0 model of Roster (RFC 7643, RFC 7644) for identity providers
//! such as Okta and Microsoft Entra: resources as SCIM JSON, filters as SQL, PATCH, paging
//! and the SCIM error model, over the users and org groups of `roster-identity`. No HTTP: the gateway's
//! `/scim/v2` handlers call these functions with the org of the SCIM token.

pub mod error;
pub mod filter;
pub mod groups;
pub mod path;

pub use error::{ScimError, ScimResult, ScimType};
pub use scope::{Change, Scope};
pub mod list;
pub mod patch;
pub mod projection;
pub mod schema;
pub mod scope;
pub mod users;
