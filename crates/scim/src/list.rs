//! The query of a list (`filter`, `startIndex`, `count`, `attributes`,
//! `excludedAttributes`), clamped as RFC 7644 §3.4.2.4 says, and the `ListResponse`.

use serde_json::{json, Value as Json};

use crate::error::{ScimError, ScimResult};
use crate::filter::{self, Filter};
use crate::projection::Projection;
use crate::schema::{DEFAULT_COUNT, MAX_RESULTS};

pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The query parameters as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawQuery<'a> {
    pub filter: Option<&'a str>,
    pub start_index: Option<&'a str>,
    pub count: Option<&'a str>,
    pub attributes: Option<&'a str>,
    pub excluded_attributes: Option<&'a str>,
}

/// A list's query, checked.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    /// 1-based; below 1 reads as 1.
    pub start_index: i64,
    /// 0 to [`MAX_RESULTS`]; negative reads as 0, more as [`MAX_RESULTS`].
    pub count: i64,
    pub projection: Projection,
}

fn integer(name: &str, raw: Option<&str>) -> ScimResult<Option<i64>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    match raw.parse::<i64>() {
        Ok(n) => Ok(Some(n)),
        Err(_) => {
            let digits = raw.strip_prefix('-').unwrap_or(raw);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Some(if raw.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                }))
            } else {
                Err(ScimError::invalid_value(format!(
                    "`{name}` must be an integer"
                )))
            }
        }
    }
}

impl ListQuery {
    pub fn parse(raw: &RawQuery<'_>, core: &str) -> ScimResult<Self> {
        let filter = match raw.filter.map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => Some(filter::parse(f)?),
            None => None,
        };
        let start_index = integer("startIndex", raw.start_index)?.unwrap_or(1).max(1);
        let count = integer("count", raw.count)?
            .unwrap_or(DEFAULT_COUNT)
            .clamp(0, MAX_RESULTS);
        Ok(Self {
            filter,
            start_index,
            count,
            projection: Projection::parse(raw.attributes, raw.excluded_attributes, core)?,
        })
    }

    /// A `SearchRequest` (`POST …/.search`, RFC 7644 §3.4.3): the same parameters in a
    /// JSON body, attribute lists as arrays.
    pub fn search(body: &Json, core: &str) -> ScimResult<Self> {
        let obj = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("a SearchRequest is a JSON object"))?;
        let field = |k: &str| {
            obj.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v)
        };
        let text = |k: &str| -> ScimResult<Option<String>> {
            match field(k) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(Json::Number(n)) => Ok(Some(n.to_string())),
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| ScimError::invalid_value(format!("`{k}` lists strings")))
                    })
                    .collect::<ScimResult<Vec<_>>>()
                    .map(|v| Some(v.join(","))),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "`{k}` has the wrong type"
                ))),
            }
        };
        let (filter, start_index, count) = (text("filter")?, text("startIndex")?, text("count")?);
        let (attributes, excluded) = (text("attributes")?, text("excludedAttributes")?);
        Self::parse(
            &RawQuery {
                filter: filter.as_deref(),
                start_index: start_index.as_deref(),
                count: count.as_deref(),
                attributes: attributes.as_deref(),
                excluded_attributes: excluded.as_deref(),
            },
            core,
        )
    }

    /// The rows to skip.
    pub fn offset(&self) -> i64 {
        self.start_index.saturating_sub(1)
    }
}

/// A `ListResponse`.
pub fn response(total: i64, start_index: i64, resources: Vec<Json>) -> Json {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}
