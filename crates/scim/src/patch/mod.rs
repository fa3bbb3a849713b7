//! PATCH (RFC 7644 §3.5.2) as Okta and Entra send it, applied to a resource's JSON: `op`
//! in any case, with a path or without one (the value then holds attributes, dotted keys
//! such as `name.givenName`, or schema URNs), value-filter paths
//! (`emails[type eq "work"].value`, `members[value eq "…"]`) and member removal as a
//! value list. The caller reads the result back as a full resource (as PUT does).

use serde_json::{Map, Value as Json};

use crate::error::{ScimError, ScimResult, ScimType};
use crate::filter::{self, Filter};
use crate::path::{strip_schema, AttrPath};
use crate::schema::{self, Attr};

mod filtered;
use filtered::apply_filtered;

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Add,
    Replace,
    Remove,
}

/// `attr[filter].sub`.
#[derive(Debug, Clone)]
pub struct Path {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
}

/// What a resource type's PATCH may touch.
pub struct Target<'a> {
    /// The core schema URN (keys and paths qualified with it are its attributes).
    pub core: &'a str,
    pub attrs: &'static [Attr],
    /// RFC 7643 attributes Roster does not store: ignored.
    pub ignored: &'a [&'a str],
    /// RFC 7643 sub-attributes (`name.formatted`) Roster does not store: ignored.
    pub ignored_subs: &'a [&'a str],
}

impl Target<'_> {
    /// Parses a PatchOp body for this resource type.
    pub fn parse(&self, body: &Json) -> ScimResult<Vec<Operation>> {
        parse(body, self.core)
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: Kind,
    pub path: Option<Path>,
    pub value: Option<Json>,
}

fn field<'a>(obj: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Parses a PatchOp body.
pub fn parse(body: &Json, core: &str) -> ScimResult<Vec<Operation>> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("a PATCH body is a JSON object"))?;
    let ops = field(obj, "Operations")
        .and_then(Json::as_array)
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| ScimError::invalid_syntax("`Operations` must be a non-empty array"))?;
    ops.iter()
        .map(|op| {
            let op = op
                .as_object()
                .ok_or_else(|| ScimError::invalid_syntax("each operation is a JSON object"))?;
            let kind = match field(op, "op")
                .and_then(Json::as_str)
                .map(str::to_ascii_lowercase)
            {
                Some(k) if k == "add" => Kind::Add,
                Some(k) if k == "replace" => Kind::Replace,
                Some(k) if k == "remove" => Kind::Remove,
                _ => {
                    return Err(ScimError::invalid_syntax(
                        "`op` must be add, replace or remove",
                    ))
                }
            };
            let path = match field(op, "path") {
                None | Some(Json::Null) => None,
                Some(Json::String(p)) => Some(parse_path(p, core)?),
                Some(_) => return Err(ScimError::invalid_path("`path` must be a string")),
            };
            let value = field(op, "value").cloned();
            if kind != Kind::Remove && value.is_none() {
                return Err(ScimError::invalid_syntax(format!(
                    "{kind:?} needs a `value`"
                )));
            }
            if kind == Kind::Remove && path.is_none() {
                return Err(ScimError::bad(ScimType::NoTarget, "remove needs a `path`"));
            }
            Ok(Operation { kind, path, value })
        })
        .collect()
}

/// Parses `[urn:…:]attr[.sub]` or `[urn:…:]attr[filter][.sub]`.
pub fn parse_path(raw: &str, core: &str) -> ScimResult<Path> {
    let bad = || ScimError::invalid_path(format!("`{raw}` is not an attribute path"));
    let raw = strip_schema(raw.trim(), core);
    match raw.find('[') {
        None => Ok(Path {
            attr: AttrPath::parse(raw)?,
            filter: None,
        }),
        Some(open) => {
            let close = raw.rfind(']').filter(|c| *c > open).ok_or_else(bad)?;
            let rest = &raw[close + 1..];
            let name = &raw[..open];
            let attr = match rest {
                "" => AttrPath::parse(name)?,
                r if r.starts_with('.') => AttrPath::parse(&format!("{name}{r}"))?,
                _ => return Err(bad()),
            };
            let inner = filter::parse(&raw[open + 1..close])
                .map_err(|e| ScimError::invalid_path(format!("`{raw}`: {}", e.detail)))?;
            Ok(Path {
                attr,
                filter: Some(inner),
            })
        }
    }
}

/// Applies the operations to `resource` in order.
pub fn apply(resource: &mut Json, ops: &[Operation], target: &Target<'_>) -> ScimResult<()> {
    for op in ops {
        match &op.path {
            Some(path) => apply_path(resource, op.kind, path, op.value.as_ref(), target)?,
            None => {
                let value = op.value.as_ref().and_then(Json::as_object).ok_or_else(|| {
                    ScimError::invalid_value("without a `path`, `value` is an object of attributes")
                })?;
                apply_object(resource, op.kind, value, target)?;
            }
        }
    }
    Ok(())
}

fn apply_object(
    resource: &mut Json,
    kind: Kind,
    value: &Map<String, Json>,
    target: &Target<'_>,
) -> ScimResult<()> {
    for (key, v) in value {
        if key.eq_ignore_ascii_case(target.core) {
            if let Some(inner) = v.as_object() {
                apply_object(resource, kind, inner, target)?;
            }
            continue;
        }
        let key = strip_schema(key, target.core);
        if key.len() > 4 && key[..4].eq_ignore_ascii_case("urn:") {
            continue; // an extension (Entra's enterprise User): not stored
        }
        let path = parse_path(key, target.core)?;
        apply_path(resource, kind, &path, Some(v), target)?;
    }
    Ok(())
}

fn apply_path(
    resource: &mut Json,
    kind: Kind,
    path: &Path,
    value: Option<&Json>,
    target: &Target<'_>,
) -> ScimResult<()> {
    if path.attr.is_extension(target.core) {
        return Ok(());
    }
    let Some(attr) = schema::find(target.attrs, &path.attr.name) else {
        let known = target
            .ignored
            .iter()
            .chain(schema::COMMON_READ_ONLY)
            .any(|n| path.attr.is(n));
        return match known {
            true => Ok(()),
            false => Err(ScimError::invalid_path(format!(
                "`{}` names no attribute of this resource",
                path.attr.name
            ))),
        };
    };
    if let Some(sub) = &path.attr.sub {
        match attr.sub.iter().find(|s| s.name.eq_ignore_ascii_case(sub)) {
            None if target
                .ignored_subs
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&path.attr.key())) =>
            {
                return Ok(())
            }
            None => {
                return Err(ScimError::invalid_path(format!(
                    "`{}` has no sub-attribute `{sub}`",
                    attr.name
                )))
            }
            Some(s) if s.mutability == "readOnly" => return Ok(()),
            Some(_) => {}
        }
    }
    if attr.mutability == "readOnly" {
        return Ok(());
    }
    let obj = resource
        .as_object_mut()
        .ok_or_else(|| ScimError::new(500, None, "the resource is not an object"))?;
    let key = obj
        .keys()
        .find(|k| k.eq_ignore_ascii_case(attr.name))
        .cloned()
        .unwrap_or_else(|| attr.name.to_owned());
    let sub = path.attr.sub.as_deref();
    match (&path.filter, attr.multi) {
        (Some(f), true) => apply_filtered(obj, &key, f, sub, kind, value),
        (Some(_), false) => Err(ScimError::invalid_path(format!(
            "`{}` is single-valued: it takes no value filter",
            attr.name
        ))),
        (None, _) => {
            apply_plain(obj, &key, attr.multi, sub, kind, value);
            Ok(())
        }
    }
}

fn apply_plain(
    obj: &mut Map<String, Json>,
    key: &str,
    multi: bool,
    sub: Option<&str>,
    kind: Kind,
    value: Option<&Json>,
) {
    match (kind, sub) {
        (Kind::Remove, None) => match (multi, value.and_then(Json::as_array)) {
            // Entra: {"op": "Remove", "path": "members", "value": [{"value": "…"}]}
            (true, Some(gone)) => {
                let ids: Vec<String> = gone.iter().filter_map(value_of).collect();
                if let Some(Json::Array(items)) = obj.get_mut(key) {
                    items.retain(|i| value_of(i).is_none_or(|v| !ids.contains(&v)));
                }
            }
            _ => {
                obj.remove(key);
            }
        },
        (Kind::Remove, Some(sub)) => match obj.get_mut(key) {
            Some(Json::Object(o)) => remove_key(o, sub),
            Some(Json::Array(items)) => items
                .iter_mut()
                .filter_map(Json::as_object_mut)
                .for_each(|o| remove_key(o, sub)),
            _ => {}
        },
        (_, None) => {
            let value = value.cloned().unwrap_or(Json::Null);
            match (kind, multi, obj.get_mut(key)) {
                (Kind::Add, true, Some(Json::Array(items))) => {
                    let new = match value {
                        Json::Array(v) => v,
                        one => vec![one],
                    };
                    for n in new {
                        let dup = value_of(&n).is_some_and(|v| {
                            items
                                .iter()
                                .any(|i| value_of(i).as_deref() == Some(v.as_str()))
                        });
                        if !dup {
                            items.push(n);
                        }
                    }
                }
                (_, true, _) if !value.is_array() && !value.is_null() => {
                    obj.insert(key.to_owned(), Json::Array(vec![value]));
                }
                (_, false, Some(Json::Object(current)))
                    if value.is_object() && kind == Kind::Add =>
                {
                    if let Json::Object(v) = value {
                        for (k, x) in v {
                            set_key(current, &k, x);
                        }
                    }
                }
                _ => {
                    obj.insert(key.to_owned(), value);
                }
            }
        }
        (_, Some(sub)) => {
            let value = value.cloned().unwrap_or(Json::Null);
            let entry = obj.entry(key.to_owned()).or_insert_with(|| match multi {
                true => Json::Array(Vec::new()),
                false => Json::Object(Map::new()),
            });
            match entry {
                Json::Array(items) => {
                    if items.is_empty() {
                        items.push(Json::Object(Map::new()));
                    }
                    // Without a filter, the primary value (or the first) is meant.
                    let at = items
                        .iter()
                        .position(|i| i.get("primary") == Some(&Json::Bool(true)))
                        .unwrap_or(0);
                    if let Some(Json::Object(o)) = items.get_mut(at) {
                        set_key(o, sub, value);
                    }
                }
                Json::Object(o) => set_key(o, sub, value),
                other => {
                    let mut o = Map::new();
                    o.insert(sub.to_owned(), value);
                    *other = Json::Object(o);
                }
            }
        }
    }
}

/// The `value` of a multi-valued attribute's element, or the element itself when a string.
pub(super) fn value_of(item: &Json) -> Option<String> {
    match item {
        Json::String(s) => Some(s.clone()),
        Json::Object(o) => field(o, "value").and_then(Json::as_str).map(str::to_owned),
        _ => None,
    }
}

pub(super) fn set_key(obj: &mut Map<String, Json>, key: &str, value: Json) {
    let existing = obj.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned();
    obj.insert(existing.unwrap_or_else(|| key.to_owned()), value);
}

pub(super) fn remove_key(obj: &mut Map<String, Json>, key: &str) {
    if let Some(k) = obj.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned() {
        obj.remove(&k);
    }
}
