//! `roster-external-users`: the external-users family (Zaia public API compatible).
//!
//! An org owns workspaces; a workspace's API keys authenticate its callers. Inside a
//! workspace live channels, tiers, external user groups, super identities and external
//! users, who get short-lived signed access tokens. Services are plain async functions
//! over `&mut AsyncPgConnection` returning `DomainResult`, scoped by workspace: another
//! workspace's rows are never found.

pub mod access;
pub mod catalogue;
pub mod channels;
pub mod groups;
pub mod ids;
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
