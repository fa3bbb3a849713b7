//! `roster-identity`: orgs, accounts, users, roles, API tokens and sessions.
//!
//! Services are plain async functions over `&mut AsyncPgConnection`, so callers can
//! compose them inside one transaction; they return `DomainResult`.

pub mod accounts;
pub mod auth;
pub mod bootstrap;
pub mod ids;
pub mod integrations;
pub mod orgs;
pub mod passwords;
pub mod requests;
pub mod schema;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use ids::{AccountId, IntegrationId, OrgId, SessionId, TokenId, UserId};
pub use users::{Role, User, UserState};
