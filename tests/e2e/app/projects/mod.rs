//! Projects (`/api/v1/app/project`): create, get, update, delete, lists, and who may see
//! or change what.

mod access;
mod change;
mod create;
mod lists;
