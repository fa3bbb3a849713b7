//! The User attributes a filter may name, as SQL over `users`.

use crate::error::{ScimError, ScimResult};
use crate::filter::sql::Column;
use crate::path::{AttrPath, USER_SCHEMA};

const fn text(sql: &'static str) -> Column {
    Column::Text {
        sql,
        case_exact: false,
    }
}

const fn exact(sql: &'static str) -> Column {
    Column::Text {
        sql,
        case_exact: true,
    }
}

/// The column of `path` (inside `scope`, the attribute of a value filter).
pub(super) fn resolve(path: &AttrPath, scope: Option<&str>) -> ScimResult<Column> {
    let key = match scope {
        Some(s) => format!("{}.{}", s.to_ascii_lowercase(), path.key()),
        None => path.key(),
    };
    if path.is_extension(USER_SCHEMA) {
        return Err(ScimError::invalid_filter(format!(
            "`{}` is not an attribute Roster stores",
            path.name
        )));
    }
    Ok(match key.as_str() {
        "id" => exact("id"),
        // The form of the index users_org_user_name_key.
        "username" => text("coalesce(user_name, email)"),
        "externalid" => exact("external_id"),
        "displayname" | "name.formatted" => text("name"),
        "name.givenname" => text("given_name"),
        "name.familyname" => text("family_name"),
        "title" => text("job_position_name"),
        "emails" | "emails.value" => text("email"),
        "emails.type" => text("coalesce(email_type, 'work')"),
        "emails.primary" => Column::Bool("true"),
        "roles" | "roles.value" => text("role"),
        "active" => Column::Bool("state = 'Active'"),
        "meta.created" => Column::Time("created_at"),
        "meta.lastmodified" => Column::Time("updated_at"),
        _ => {
            return Err(ScimError::invalid_filter(format!(
                "filtering on `{key}` is not supported"
            )))
        }
    })
}
