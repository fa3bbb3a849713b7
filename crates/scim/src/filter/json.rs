//! Evaluating a filter over a JSON object: the elements of a multi-valued attribute that a
//! value-filter path (`emails[type eq "work"]`, `members[value eq "…"]`) selects. Strings
//! compare without case, as `caseExact` is false for `type`, `value` and `display`.

use serde_json::Value as Json;

use super::{Filter, Op, Value};

/// Whether `element` matches `filter`.
pub fn matches(filter: &Filter, element: &Json) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, element) && matches(b, element),
        Filter::Or(a, b) => matches(a, element) || matches(b, element),
        Filter::Not(f) => !matches(f, element),
        Filter::Present(p) => lookup(element, &p.name, p.sub.as_deref())
            .is_some_and(|v| !v.is_null() && v != &Json::String(String::new())),
        Filter::Compare(p, op, value) => {
            let found = lookup(element, &p.name, p.sub.as_deref());
            compare(found, *op, value)
        }
        Filter::ValuePath { attr, filter, then } => {
            match lookup(element, &attr.name, attr.sub.as_deref()) {
                Some(Json::Array(items)) => items
                    .iter()
                    .any(|i| matches(filter, i) && then.as_deref().is_none_or(|t| matches(t, i))),
                Some(v @ Json::Object(_)) => {
                    matches(filter, v) && then.as_deref().is_none_or(|t| matches(t, v))
                }
                _ => false,
            }
        }
    }
}

/// The value at `name[.sub]` of an object, names compared without case.
pub fn lookup<'a>(element: &'a Json, name: &str, sub: Option<&str>) -> Option<&'a Json> {
    let field = |v: &'a Json, key: &str| -> Option<&'a Json> {
        v.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    let top = field(element, name)?;
    match sub {
        Some(s) => field(top, s),
        None => Some(top),
    }
}

fn compare(found: Option<&Json>, op: Op, value: &Value) -> bool {
    let Some(found) = found.filter(|f| !f.is_null()) else {
        return matches!((op, value), (Op::Eq, Value::Null))
            || matches!((op, value), (Op::Ne, v) if *v != Value::Null);
    };
    match (found, value) {
        (_, Value::Null) => op == Op::Ne,
        (Json::String(s), Value::Str(v)) => {
            let (s, v) = (s.to_lowercase(), v.to_lowercase());
            match op {
                Op::Eq => s == v,
                Op::Ne => s != v,
                Op::Co => s.contains(&v),
                Op::Sw => s.starts_with(&v),
                Op::Ew => s.ends_with(&v),
                Op::Gt => s > v,
                Op::Ge => s >= v,
                Op::Lt => s < v,
                Op::Le => s <= v,
            }
        }
        (Json::Bool(b), Value::Bool(v)) => match op {
            Op::Eq => b == v,
            Op::Ne => b != v,
            _ => false,
        },
        (Json::Number(n), Value::Num(v)) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            match op {
                Op::Eq => n == *v,
                Op::Ne => n != *v,
                Op::Gt => n > *v,
                Op::Ge => n >= *v,
                Op::Lt => n < *v,
                Op::Le => n <= *v,
                _ => false,
            }
        }
        _ => op == Op::Ne,
    }
}
