//! A User resource as a client sends it (POST, PUT, or the result of a PATCH), read into
//! what Roster stores. Attribute names are matched without case and may be qualified with
//! the core schema's URN; attributes Roster does not store (the enterprise extension, phone
//! numbers, …) are ignored. A value of the wrong type is `invalidValue`.

use roster_core::text::Email;
use serde_json::{Map, Value as Json};

use crate::error::{ScimError, ScimResult};
use crate::path::{strip_schema, USER_SCHEMA};

/// The longest userName, externalId and email value, in characters.
pub const USER_NAME: usize = 256;
/// The longest name and title (those of the App API), in characters.
pub const NAME: usize = 200;

/// What Roster stores of a User.
#[derive(Debug, Clone, PartialEq)]
pub struct UserInput {
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub formatted: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub title: Option<String>,
    pub active: Option<bool>,
    pub email: Email,
    pub email_type: Option<String>,
}

impl UserInput {
    /// The name Roster keeps: displayName, else name.formatted, else the given and family
    /// names, else the userName.
    pub fn name(&self) -> String {
        if let Some(n) = self.display_name.clone().or_else(|| self.formatted.clone()) {
            return n;
        }
        let parts: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let name = match parts.is_empty() {
            true => self.user_name.clone(),
            false => parts.join(" "),
        };
        name.chars().take(NAME).collect()
    }
}

fn flatten(obj: &Map<String, Json>) -> Map<String, Json> {
    flatten_in(obj, USER_SCHEMA)
}

/// The object's fields with the `core` URN's nested object merged in, keys lower-case.
pub(crate) fn flatten_in(obj: &Map<String, Json>, core: &str) -> Map<String, Json> {
    let mut out = Map::new();
    for (k, v) in obj {
        if k.eq_ignore_ascii_case(core) {
            if let Some(inner) = v.as_object() {
                out.extend(flatten_in(inner, core));
            }
            continue;
        }
        out.insert(strip_schema(k, core).to_ascii_lowercase(), v.clone());
    }
    out
}

pub(crate) fn string(
    obj: &Map<String, Json>,
    key: &str,
    label: &str,
    max: usize,
) -> ScimResult<Option<String>> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.is_empty() => Ok(None),
        Some(Json::String(s)) => {
            let chars = s.chars().count();
            if chars > max || s.contains('\0') {
                return Err(ScimError::invalid_value(format!(
                    "`{label}` must be at most {} characters, without NUL",
                    max
                )));
            }
            Ok(Some(s.clone()))
        }
        Some(_) => Err(ScimError::invalid_value(format!(
            "`{label}` must be a string"
        ))),
    }
}

/// A boolean, or Entra's string booleans (`"True"`, `"False"`).
pub fn boolean(value: &Json, label: &str) -> ScimResult<bool> {
    match value {
        Json::Bool(b) => Ok(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!(
            "`{label}` must be a boolean"
        ))),
    }
}

/// The email: the primary `emails` value, else the first, else the userName if it is an
/// address. None at all is `invalidValue`.
fn email(obj: &Map<String, Json>, user_name: &str) -> ScimResult<(Email, Option<String>)> {
    let emails = match obj.get("emails") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.clone(),
        Some(_) => return Err(ScimError::invalid_value("`emails` must be an array")),
    };
    let mut chosen: Option<(String, Option<String>)> = None;
    for item in &emails {
        let item = item
            .as_object()
            .ok_or_else(|| ScimError::invalid_value("each of `emails` is an object"))?;
        let item = flatten(item);
        let value = string(&item, "value", "emails.value", USER_NAME)?;
        let primary = match item.get("primary") {
            None | Some(Json::Null) => false,
            Some(p) => boolean(p, "emails.primary")?,
        };
        let kind = string(&item, "type", "emails.type", NAME)?;
        if let Some(v) = value {
            if primary || chosen.is_none() {
                chosen = Some((v, kind));
            }
            if primary {
                break;
            }
        }
    }
    match chosen {
        Some((v, kind)) => Email::parse("emails.value", &v)
            .map(|e| (e, kind))
            .map_err(|_| ScimError::invalid_value(format!("`{v}` is not an email address"))),
        None => Email::parse("userName", user_name)
            .map(|e| (e, None))
            .map_err(|_| {
                ScimError::invalid_value(
                    "the user has no email: send `emails`, or a userName that is an email address",
                )
            }),
    }
}

/// Reads a User resource.
pub fn read(body: &Json) -> ScimResult<UserInput> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("a User is a JSON object"))?;
    let obj = flatten(obj);
    let user_name = string(&obj, "username", "userName", USER_NAME)?
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("`userName` is required"))?;
    let name = match obj.get("name") {
        None | Some(Json::Null) => Map::new(),
        Some(Json::Object(n)) => flatten(n),
        Some(_) => return Err(ScimError::invalid_value("`name` must be an object")),
    };
    let active = match obj.get("active") {
        None | Some(Json::Null) => None,
        Some(v) => Some(boolean(v, "active")?),
    };
    let (email, email_type) = email(&obj, &user_name)?;
    Ok(UserInput {
        email,
        email_type,
        external_id: string(&obj, "externalid", "externalId", USER_NAME)?,
        display_name: string(&obj, "displayname", "displayName", NAME)?,
        formatted: string(&name, "formatted", "name.formatted", NAME)?,
        given_name: string(&name, "givenname", "name.givenName", NAME)?,
        family_name: string(&name, "familyname", "name.familyName", NAME)?,
        title: string(&obj, "title", "title", NAME)?,
        active,
        user_name,
    })
}
