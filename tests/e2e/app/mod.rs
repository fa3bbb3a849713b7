//! The App family (`/api/v1/app`): users, tokens, sessions, integrations, groups,
//! projects, their members and artifacts.

pub(crate) mod account;
mod artifacts;
pub(crate) mod email;
mod fixtures;
mod groups;
mod integrations;
mod members;
mod organizations;
mod projects;
mod sessions;
mod tokens;
pub(crate) mod users;
