//! `roster-identity`: orgs, accounts, users, roles, groups, API tokens and sessions.
//!
//! Use it to manage who belongs to an org from Rust, without the gateway. Services are
//! plain async functions over `&mut AsyncPgConnection`, so callers can compose them inside
//! one transaction; they return `DomainResult`. Start with [`orgs::find`] or
//! [`orgs::create`], then [`users::create`] and [`users::list`]; run
//! `roster_core::migrations::run_pending` on the database first. The example
//! `cargo run -p roster-identity --example org_and_users` does all of it, with
//! [`quickstart`]'s first steps. Org groups and
//! their members are in [`groups`]; [`users::delete`] deletes a user from its org.
//!
//! ```no_run
//! use diesel_async::{AsyncConnection, AsyncPgConnection};
//! use roster_core::page::Paging;
//! use roster_identity::{orgs, users};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = AsyncPgConnection::establish("postgres://localhost/roster").await?;
//! let org = orgs::find(&mut conn, "acme").await?;
//! let filter = users::UserFilter::default();
//! let page = users::list(&mut conn, &org.id, &filter, &Paging::Offset { page: 1, size: 20 }).await?;
//! println!("{} users in {}", page.total_count, org.name);
//! # Ok(())
//! # }
//! ```

pub mod account_requests;
pub mod account_settings;
pub mod accounts;
pub mod active_org;
pub mod auth;
pub mod bootstrap;
pub mod groups;
pub mod ids;
pub mod imports;
pub mod integrations;
pub mod orgs;
pub mod ownership;
pub mod password_formats;
pub mod passwords;
pub mod quickstart;
pub mod requests;
pub mod schema;
pub mod scim_tokens;
pub mod session_control;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use ids::{
    AccountId, ImportId, IntegrationId, OrgGroupId, OrgId, ScimTokenId, SessionId, TokenId, UserId,
};
pub use users::{Role, User, UserState};
