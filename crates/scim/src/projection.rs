//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5): which attributes of a
//! resource an answer carries. `id` and `schemas` are always returned.

use serde_json::{Map, Value as Json};

use crate::error::{ScimError, ScimResult};
use crate::path::{strip_schema, AttrPath};

const ALWAYS: &[&str] = &["id", "schemas"];

/// The longest `attributes` or `excludedAttributes` accepted, in bytes.
pub const MAX_ATTRIBUTES_BYTES: usize = 1000;

#[derive(Debug, Clone, Default)]
pub struct Projection {
    only: Vec<AttrPath>,
    excluded: Vec<AttrPath>,
}

fn paths(raw: Option<&str>, core: &str) -> ScimResult<Vec<AttrPath>> {
    if raw.is_some_and(|r| r.len() > MAX_ATTRIBUTES_BYTES) {
        return Err(ScimError::invalid_value(format!(
            "attribute lists are at most {MAX_ATTRIBUTES_BYTES} bytes"
        )));
    }
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            AttrPath::parse(strip_schema(p, core))
                .map_err(|_| ScimError::invalid_value(format!("`{p}` is not an attribute path")))
        })
        .collect()
}

impl Projection {
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>, core: &str) -> ScimResult<Self> {
        Ok(Self {
            only: paths(attributes, core)?,
            excluded: paths(excluded, core)?,
        })
    }

    /// Whether it leaves every attribute as it is.
    pub fn is_empty(&self) -> bool {
        self.only.is_empty() && self.excluded.is_empty()
    }

    /// Whether an attribute is wanted at all (the members of a group are costly).
    pub fn wants(&self, name: &str) -> bool {
        let listed = |ps: &[AttrPath]| ps.iter().any(|p| p.is(name) && p.sub.is_none());
        (self.only.is_empty() || self.only.iter().any(|p| p.is(name))) && !listed(&self.excluded)
    }

    /// Whether `attributes` names `name.sub` itself (what a sub-attribute returned only on
    /// request needs).
    pub fn requests(&self, name: &str, sub: &str) -> bool {
        self.only.iter().any(|p| {
            p.is(name)
                && p.sub
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(sub))
        })
    }

    pub fn apply(&self, resource: &mut Json) {
        let Some(obj) = resource.as_object_mut() else {
            return;
        };
        let always = |k: &str| ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(k));
        if !self.only.is_empty() {
            obj.retain(|k, v| {
                if always(k) {
                    return true;
                }
                let hits: Vec<&AttrPath> = self.only.iter().filter(|p| p.is(k)).collect();
                if hits.is_empty() {
                    return false;
                }
                if hits.iter().all(|p| p.sub.is_some()) {
                    let subs: Vec<&str> = hits.iter().filter_map(|p| p.sub.as_deref()).collect();
                    keep_subs(v, &subs);
                }
                true
            });
        }
        for p in &self.excluded {
            if always(&p.name) {
                continue;
            }
            let key = obj.keys().find(|k| p.is(k)).cloned();
            match (key, &p.sub) {
                (Some(k), None) => {
                    obj.remove(&k);
                }
                (Some(k), Some(sub)) => drop_sub(obj.get_mut(&k), sub),
                _ => {}
            }
        }
    }
}

fn keep_subs(v: &mut Json, subs: &[&str]) {
    let keep = |o: &mut Map<String, Json>| {
        o.retain(|k, _| subs.iter().any(|s| s.eq_ignore_ascii_case(k)));
    };
    match v {
        Json::Object(o) => keep(o),
        Json::Array(items) => items
            .iter_mut()
            .filter_map(Json::as_object_mut)
            .for_each(keep),
        _ => {}
    }
}

fn drop_sub(v: Option<&mut Json>, sub: &str) {
    let drop = |o: &mut Map<String, Json>| o.retain(|k, _| !k.eq_ignore_ascii_case(sub));
    match v {
        Some(Json::Object(o)) => drop(o),
        Some(Json::Array(items)) => items
            .iter_mut()
            .filter_map(Json::as_object_mut)
            .for_each(drop),
        _ => {}
    }
}
