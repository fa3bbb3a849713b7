//! Metadata on Stripe's model: a client's own key-value pairs on a resource (App users,
//! external users, external-user groups). Up to [`MAX_KEYS`] keys, each at most
//! [`MAX_KEY_CHARS`] characters of `[A-Za-z0-9_.-]`, each value a string of at most
//! [`MAX_VALUE_CHARS`] characters. Set on create; a replacing write (PUT) sets the whole
//! map, a merging one (PATCH) sets the keys given and removes those given `null` or `""`.
//! Stored as a `jsonb` object (`metadata`, never null), filtered with `@>` on a GIN index.
//!
//! The rules are written once, here: validation, the OpenAPI schemas and the list filter
//! (`metadata[key]=value`) read them.

use std::collections::BTreeMap;
use std::io::Write as _;

use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{IsNull, Output, ToSql};
use diesel::sql_types::Jsonb;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{AdditionalProperties, Object, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::error::FieldErrors;
use crate::schema::StringSchema;
use crate::text::Controls;
use crate::DomainError;

/// How many keys a resource's metadata holds at most.
pub const MAX_KEYS: usize = 50;
/// How long a key may be, in characters.
pub const MAX_KEY_CHARS: usize = 40;
/// How long a value may be, in characters.
pub const MAX_VALUE_CHARS: usize = 500;
/// What a key is made of.
pub const KEY_PATTERN: &str = "^[A-Za-z0-9_.-]{1,40}$";

/// The field of a key in errors: `metadata.plan` (`metadata[plan]` for a filter).
fn key_field(field: &str, key: &str) -> String {
    format!("{field}.{key}")
}

/// Checks a key: 1 to 40 characters of `[A-Za-z0-9_.-]`.
pub fn check_key(field: &str, key: &str) -> Result<(), DomainError> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            format!("a metadata key must be 1 to {MAX_KEY_CHARS} characters of A-Z, a-z, 0-9, '_', '.' and '-'"),
        ))
    }
}

/// The control characters a value may hold: tab and newline.
const VALUE_CONTROLS: Controls = Controls::AllButTabAndNewline;

/// A value's schema: at most 500 characters, no control character but tab and newline.
fn value_schema() -> StringSchema {
    StringSchema::new(0, MAX_VALUE_CHARS).pattern(VALUE_CONTROLS.pattern())
}

/// Checks a value: at most 500 characters, no control character but tab and newline.
fn check_value(field: &str, value: &str) -> Result<(), DomainError> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(DomainError::invalid(
            field,
            format!("a metadata value must be at most {MAX_VALUE_CHARS} characters"),
        ));
    }
    if value.chars().any(|c| VALUE_CONTROLS.refuses(c)) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A resource's metadata, valid: what is stored and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, FromSqlRow, AsExpression)]
#[diesel(sql_type = Jsonb)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<String, String>);

impl Metadata {
    /// The metadata of a create or of a replacing write: `null` and `""` values are left
    /// out (as a merge would remove them).
    pub fn parse(field: &str, raw: RawMetadata) -> Result<Self, DomainError> {
        let (set, _) = parse_entries(field, raw)?;
        Ok(set)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Metadata {
    fn from(pairs: [(&str, &str); N]) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

impl FromSql<Jsonb, Pg> for Metadata {
    fn from_sql(bytes: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let value = <Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
        let Value::Object(fields) = value else {
            return Err("metadata is not a JSON object".into());
        };
        fields
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k, s)),
                _ => Err("a metadata value is not a string".into()),
            })
            .collect::<diesel::deserialize::Result<_>>()
            .map(Self)
    }
}

impl ToSql<Jsonb, Pg> for Metadata {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        out.write_all(&[1])?;
        serde_json::to_writer(out, &self.0)?;
        Ok(IsNull::No)
    }
}

/// Metadata as a request sends it: any JSON values, checked by [`Metadata::parse`] or
/// [`MetadataUpdate::merge`] so that a wrong one is a 400 naming its key.
pub type RawMetadata = serde_json::Map<String, Value>;

/// The keys set (valid) and the keys removed (`null` or `""`) of a request's metadata.
fn parse_entries(field: &str, raw: RawMetadata) -> Result<(Metadata, Vec<String>), DomainError> {
    let mut errors = FieldErrors::default();
    let mut set = BTreeMap::new();
    let mut removed = Vec::new();
    for (key, value) in raw {
        let named = key_field(field, &key);
        if errors.take(check_key(&named, &key)).is_none() {
            continue;
        }
        match value {
            Value::Null => removed.push(key),
            Value::String(s) if s.is_empty() => removed.push(key),
            Value::String(s) => {
                if errors.take(check_value(&named, &s)).is_some() {
                    if set.len() == MAX_KEYS {
                        errors.take::<()>(Err(too_many(&named)));
                    } else {
                        set.insert(key, s);
                    }
                }
            }
            _ => {
                errors.take::<()>(Err(DomainError::invalid(
                    named,
                    "a metadata value must be a string (or null, or \"\" to remove the key)",
                )));
            }
        }
    }
    errors.finish()?;
    Ok((Metadata(set), removed))
}

/// 400: more than [`MAX_KEYS`] keys, naming the key past the limit.
fn too_many(field: &str) -> DomainError {
    DomainError::invalid(
        field,
        format!("metadata holds at most {MAX_KEYS} keys: this one is one too many"),
    )
}

/// How a write changes a resource's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataUpdate {
    /// The whole map (PUT).
    Replace(Metadata),
    /// These keys set, those removed, the others kept (PATCH).
    Merge { set: Metadata, remove: Vec<String> },
}

impl MetadataUpdate {
    /// A replacing write's metadata.
    pub fn replace(field: &str, raw: RawMetadata) -> Result<Self, DomainError> {
        Metadata::parse(field, raw).map(Self::Replace)
    }

    /// A merging write's metadata: `null` and `""` remove a key.
    pub fn merge(field: &str, raw: RawMetadata) -> Result<Self, DomainError> {
        let (set, remove) = parse_entries(field, raw)?;
        Ok(Self::Merge { set, remove })
    }

    /// What applying it takes: whether to start from an empty map, the keys set, the keys
    /// removed.
    pub fn into_parts(self) -> (bool, Metadata, Vec<String>) {
        match self {
            Self::Replace(set) => (true, set, Vec::new()),
            Self::Merge { set, remove } => (false, set, remove),
        }
    }
}

diesel::define_sql_function! {
    /// `(CASE WHEN replace THEN '{}' ELSE current END || set) - remove`: the database
    /// function of the `metadata` migration, so that a merge reads the row it writes
    /// (two merges at once both land). Used as
    /// `metadata.eq(metadata_apply(metadata, replace, set, remove))`.
    fn metadata_apply(
        current: Jsonb,
        replace: diesel::sql_types::Bool,
        set: Jsonb,
        remove: diesel::sql_types::Array<diesel::sql_types::Text>
    ) -> Jsonb;
}

/// The 400 for a write whose merge would leave more than [`MAX_KEYS`] keys: the
/// `<table>_metadata_keys` check constraint of the migration.
pub fn write_error(e: &diesel::result::Error, field: &str) -> Option<DomainError> {
    crate::error::violated_constraint(e)
        .filter(|name| name.ends_with("_metadata_keys"))
        .map(|_| {
            DomainError::invalid(
                field,
                format!("metadata holds at most {MAX_KEYS} keys: the merge would leave more"),
            )
        })
}

/// A list's filter: `metadata[key]=value` pairs, all of which must match (`@>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataFilter(Metadata);

impl MetadataFilter {
    /// From the query's `metadata[key]=value` pairs; a bad key or value is a 400 naming
    /// `metadata[key]`, a key given twice too.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            let Some(key) = filter_key(name) else {
                continue;
            };
            let field = format!("metadata[{key}]");
            if errors.take(check_key(&field, key)).is_none()
                || errors.take(check_value(&field, value)).is_none()
            {
                continue;
            }
            if map.insert(key.to_owned(), value.to_owned()).is_some() {
                errors.take::<()>(Err(DomainError::invalid(
                    field,
                    "must be given at most once",
                )));
            }
        }
        errors.finish()?;
        Ok(Self(Metadata(map)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object the rows' metadata must contain.
    pub fn contained(&self) -> &Metadata {
        &self.0
    }
}

/// `key` of a query parameter named `metadata[key]`, if it is one.
pub fn filter_key(name: &str) -> Option<&str> {
    name.strip_prefix("metadata[")?.strip_suffix(']')
}

/// The schema of a resource's metadata as shown.
pub fn schema() -> Object {
    object(
        value_schema(),
        Some(MAX_KEYS),
        "Your own key-value pairs (Stripe's model): at most 50 keys, each at most 40 \
         characters of A-Z, a-z, 0-9, '_', '.' and '-', each value a string of at most \
         500 characters.",
    )
}

/// The schema of metadata in a create: a `null` or `""` value is left out.
pub fn create_schema() -> Object {
    object(
        value_schema().nullable(),
        Some(MAX_KEYS),
        "Your own key-value pairs (Stripe's model): at most 50 keys, each at most 40 \
         characters of A-Z, a-z, 0-9, '_', '.' and '-', each value a string of at most \
         500 characters; a key given `null` or \"\" is left out.",
    )
}

/// The schema of metadata in a merging write: a `null` or `""` value removes its key.
pub fn merge_schema() -> Object {
    object(
        value_schema().nullable(),
        Some(MAX_KEYS),
        "Merged into the metadata: the keys given are set, a key given `null` or \"\" is \
         removed, the others are kept. At most 50 keys in all, each at most 40 characters \
         of A-Z, a-z, 0-9, '_', '.' and '-', each value a string of at most 500 characters.",
    )
}

/// The schema of a list's `metadata` filter (a `deepObject` query parameter).
pub fn filter_schema() -> Object {
    object(
        value_schema(),
        None,
        "Only those whose metadata holds every pair given: `metadata[plan]=pro`.",
    )
}

fn object(values: StringSchema, max_keys: Option<usize>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .max_properties(max_keys)
        .property_names(Some(StringSchema::matching(KEY_PATTERN)))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::<Schema>::from(
            values,
        ))))
        .build()
}

#[cfg(test)]
#[path = "metadata_tests.rs"]
mod tests;
