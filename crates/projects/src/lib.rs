//! `roster-projects`: projects of an org, their members and pins, and their artifacts.
//!
//! Use it to work with an org's projects from Rust, without the gateway. Services are
//! plain async functions over `&mut AsyncPgConnection` that take the caller
//! ([`Principal`](roster_identity::auth::Principal), a user of the org) and decide
//! visibility and project roles themselves; they return `DomainResult`. Start with
//! [`projects::create`] and [`projects::list`], then [`members`] and [`artifacts`]; run
//! `roster_core::migrations::run_pending` on the database first. The example
//! `cargo run -p roster-projects --example projects_and_artifacts` does all of it: an org
//! and two users, a project with a member and a pin, artifacts paged by cursor, changes
//! and deletes.
//!
//! ```no_run
//! use diesel_async::{AsyncConnection, AsyncPgConnection};
//! use roster_core::page::Paging;
//! use roster_identity::{auth::Principal, orgs, users, UserId};
//! use roster_projects::projects::{self, ProjectFilter};
//!
//! # async fn run(user_id: UserId) -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = AsyncPgConnection::establish("postgres://localhost/roster").await?;
//! let org = orgs::find(&mut conn, "acme").await?;
//! let user = users::get(&mut conn, &org.id, &user_id).await?;
//! let who = Principal { account_id: user.account_id.clone(), user };
//! let paging = Paging::Offset { page: 1, size: 20 };
//! let page = projects::list(&mut conn, &who, &ProjectFilter::default(), &paging).await?;
//! println!("{} projects visible", page.total_count);
//! # Ok(())
//! # }
//! ```

pub mod access;
pub mod artifacts;
mod events;
pub mod ids;
pub mod members;
pub mod projects;
pub mod requests;
pub mod schema;

pub use access::{ProjectRole, Visibility};
pub use ids::{ArtifactId, ProjectId};
