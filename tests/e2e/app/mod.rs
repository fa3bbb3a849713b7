//! The App family (`/api/v1/app`): users, tokens, sessions, integrations, projects, their
//! members and artifacts.

mod artifacts;
mod fixtures;
mod integrations;
mod members;
mod organizations;
mod projects;
mod sessions;
mod tokens;
mod users;
