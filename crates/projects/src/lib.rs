//! `roster-projects`: projects of an org, their members and pins, and their artifacts.
//!
//! Services are plain async functions over `&mut AsyncPgConnection` that take the
//! caller (`Principal`) and decide visibility and project roles themselves; they return
//! `DomainResult`.

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
