//! App users (`/api/v1/app`): me, list, create, get, update, activate and deactivate.

use serde_json::{json, Value};

mod caching;
mod create;
mod list;
mod me;
mod search;
mod state;
mod total_count;
mod update;

pub(crate) fn new_user(email: &str, role: &str) -> Value {
    json!({"role": role, "user_info": {"email": email, "name": "Sasha Patel", "given_name": "Sasha", "family_name": "Patel"}})
}
