//! `roster-external-users`: the external-users family (Zaia public API compatible).
//!
//! Use it to manage the end users of an org's own products from Rust, without the
//! gateway. Start with [`workspaces::create`] (or [`workspaces::bootstrap`], an org's
//! first workspace and an API key) or [`workspaces::list`], then [`channels`], [`tiers`]
//! and [`users`]; run `roster_core::migrations::run_pending` on the database first. The
//! example `cargo run -p roster-external-users --example workspace_and_users` does all
//! of it: a workspace and its API key, a channel and a tier, external users created,
//! searched, paged through and blocked.
//!
//! ```no_run
//! use diesel_async::{AsyncConnection, AsyncPgConnection};
//! use roster_core::page::Paging;
//! use roster_external_users::workspaces;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = AsyncPgConnection::establish("postgres://localhost/roster").await?;
//! let page = workspaces::list(&mut conn, "org_0123", &Paging::Offset { page: 1, size: 20 }).await?;
//! for workspace in &page.data {
//!     println!("{} {}", workspace.id, workspace.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! An org owns workspaces; a workspace's API keys authenticate its callers. Inside a
//! workspace live channels, tiers, external user groups, super identities and external
//! users, who get short-lived signed access tokens. Services are plain async functions
//! over `&mut AsyncPgConnection` returning `DomainResult`, scoped by workspace: another
//! workspace's rows are never found.

pub mod access;
pub mod catalogue;
pub mod channels;
mod events;
pub mod groups;
pub mod ids;
pub mod imports;
pub mod input;
pub mod paging;
pub mod schema;
pub mod super_identities;
pub mod tiers;
mod user_counts;
mod user_words;
pub mod users;
pub mod workspaces;

pub use ids::{ApiKeyId, ChannelId, GroupId, SuperIdentityId, TierId, UserId, WorkspaceId};
