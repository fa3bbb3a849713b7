//! `roster-slack`: Slack user linking.
//!
//! Use it to find which Roster user a Slack user is, and to manage Slack workspaces and
//! links, from Rust without the gateway. Start with [`workspaces::register`] or
//! [`workspaces::list`], then [`links`] (and [`link_token`], the `link` slash command's
//! tokens); run `roster_core::migrations::run_pending` on the database first. The example
//! `cargo run -p roster-slack --example link_users` does all of it: a workspace
//! registered, users linked by link token and directly, the links listed, one removed.
//!
//! ```no_run
//! use diesel_async::{AsyncConnection, AsyncPgConnection};
//! use roster_identity::orgs;
//! use roster_slack::workspaces;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = AsyncPgConnection::establish("postgres://localhost/roster").await?;
//! let org = orgs::find(&mut conn, "acme").await?;
//! for workspace in workspaces::list(&mut conn, &org.id).await? {
//!     println!("{} {}", workspace.team_id, workspace.team_name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Slack workspaces installed for a tenant (by OAuth or by hand), links between Slack
//! users and Roster users, the single-use link tokens the `link` slash command hands out,
//! connect sessions (linking by Slack's OpenID Connect), Slack request signatures and the
//! record that refuses their replays, and the few Slack Web API calls these need.
//! Services are plain async functions over `&mut AsyncPgConnection` returning
//! `DomainResult`; nothing here knows actix-web.

pub mod commands;
pub mod connect;
mod events;
pub mod ids;
pub mod link_token;
pub mod links;
pub mod oauth_state;
pub mod replays;
pub mod schema;
pub mod sealed;
pub mod signature;
pub mod slack_api;
pub mod wire;
pub mod workspaces;

pub use ids::{ConnectSessionId, EnterpriseId, SlackLinkId, SlackUserId, TeamId};
