//! SQL pieces the scenarios' pgbench scripts share: the columns the gateway selects and a
//! random seeded family name.

use super::{FAMILY_FIRST, FAMILY_LAST, FAMILY_MIDDLE};

/// The columns external `users::list` selects.
pub(super) const EXTERNAL_USER_COLUMNS: &str =
    "created_at, id, updated_at, blocked, channel_id, external_id, \
     external_user_group_id, identifier, name, super_identity_id, tier_id, workspace_id, metadata";

/// `columns` (comma-separated) qualified by `u.`.
pub(super) fn of_u(columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// pgbench variables picking a family name's syllables (see `sql_family`).
pub(super) fn pgbench_family_vars() -> String {
    format!(
        "\\set f1 random(1, {})\n\\set f2 random(1, {})\n\\set f3 random(1, {})\n",
        FAMILY_FIRST.len(),
        FAMILY_MIDDLE.len(),
        FAMILY_LAST.len()
    )
}

/// SQL of a random seeded family name, from pgbench's `:f1`, `:f2` and `:f3`, as wrk's
/// `family()` picks one.
pub(super) fn sql_family() -> String {
    let array = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
        format!("(ARRAY[{}])", quoted.join(", "))
    };
    format!(
        "{}[:f1] || {}[:f2] || {}[:f3]",
        array(&FAMILY_FIRST),
        array(&FAMILY_MIDDLE),
        array(&FAMILY_LAST)
    )
}

/// The columns `users::get` and `users::list` select.
pub(super) const USER_COLUMNS: &str =
    "org_id, id, account_id, name, given_name, family_name, email, \
     job_position_name, job_position_description, state, role, created_at, updated_at, metadata";
