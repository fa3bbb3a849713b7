//! Operations whose path filters a multi-valued attribute: `emails[type eq "work"].value`,
//! `members[value eq "…"]`. A filter that matches nothing adds an element made of its
//! `eq` comparisons.

use serde_json::{Map, Value as Json};

use super::{remove_key, set_key, Kind};
use crate::error::{ScimError, ScimResult};
use crate::filter::{self, json::matches, Filter, Op};

pub(super) fn apply_filtered(
    obj: &mut Map<String, Json>,
    key: &str,
    filter: &Filter,
    sub: Option<&str>,
    kind: Kind,
    value: Option<&Json>,
) -> ScimResult<()> {
    let items = match obj
        .entry(key.to_owned())
        .or_insert_with(|| Json::Array(Vec::new()))
    {
        Json::Array(items) => items,
        other => {
            *other = Json::Array(Vec::new());
            match other {
                Json::Array(items) => items,
                _ => return Ok(()),
            }
        }
    };
    let hits: Vec<usize> = (0..items.len())
        .filter(|i| matches(filter, &items[*i]))
        .collect();
    match (kind, sub) {
        (Kind::Remove, None) => {
            let mut at = 0;
            items.retain(|_| {
                at += 1;
                !hits.contains(&(at - 1))
            });
        }
        (Kind::Remove, Some(sub)) => {
            for i in hits {
                if let Some(o) = items[i].as_object_mut() {
                    remove_key(o, sub);
                }
            }
        }
        (_, sub) => {
            let value = value.cloned().unwrap_or(Json::Null);
            if hits.is_empty() {
                // Nothing matches: add the element the filter describes (`type eq "work"`).
                let mut element = Map::new();
                equalities(filter, &mut element);
                match (sub, value.clone()) {
                    (Some(s), v) => set_key(&mut element, s, v),
                    (None, Json::Object(v)) => element.extend(v),
                    (None, _) => {
                        return Err(ScimError::invalid_value(
                            "a value filter path without a sub-attribute takes an object",
                        ))
                    }
                }
                items.push(Json::Object(element));
            }
            for i in hits {
                if let Some(o) = items[i].as_object_mut() {
                    match (sub, &value) {
                        (Some(s), v) => set_key(o, s, v.clone()),
                        (None, Json::Object(v)) => {
                            for (k, x) in v {
                                set_key(o, k, x.clone());
                            }
                        }
                        (None, _) => {
                            return Err(ScimError::invalid_value(
                                "a value filter path without a sub-attribute takes an object",
                            ))
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The `attr eq "x"` comparisons of a filter's `and`s, as the fields of a new element.
fn equalities(filter: &Filter, into: &mut Map<String, Json>) {
    match filter {
        Filter::And(a, b) => {
            equalities(a, into);
            equalities(b, into);
        }
        Filter::Compare(p, Op::Eq, v) if p.sub.is_none() => {
            let v = match v {
                filter::Value::Str(s) => Json::String(s.clone()),
                filter::Value::Bool(b) => Json::Bool(*b),
                _ => return,
            };
            into.insert(p.name.clone(), v);
        }
        _ => {}
    }
}
