//! Attribute paths (RFC 7644 §3.10): `[urn:…:]attr[.subAttr]`, names compared without case.

use crate::error::{ScimError, ScimResult};

/// The core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// An attribute path: the schema URN it was qualified with, the attribute and a
/// sub-attribute. `name` and `sub` keep the case they were sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub uri: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

fn is_attr_name(s: &str) -> bool {
    let mut chars = s.chars();
    s == "$ref"
        || chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl AttrPath {
    /// Parses `[urn:…:]attr[.sub]`; anything else is an `invalidPath` (callers parsing a
    /// filter turn it into `invalidFilter`).
    pub fn parse(raw: &str) -> ScimResult<Self> {
        let bad = || ScimError::invalid_path(format!("`{raw}` is not an attribute path"));
        let (uri, rest) = if raw.len() > 4 && raw[..4].eq_ignore_ascii_case("urn:") {
            let (uri, rest) = split_urn(raw).ok_or_else(bad)?;
            (Some(uri.to_owned()), rest)
        } else {
            (None, raw)
        };
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        if !is_attr_name(name) || sub.is_some_and(|s| !is_attr_name(s)) {
            return Err(bad());
        }
        Ok(Self {
            uri,
            name: name.to_owned(),
            sub: sub.map(str::to_owned),
        })
    }

    /// Whether the path is qualified with a schema other than `core` (an extension, such as
    /// the enterprise User extension Entra sends): Roster stores none, so it is ignored.
    pub fn is_extension(&self, core: &str) -> bool {
        self.uri
            .as_deref()
            .is_some_and(|u| !u.eq_ignore_ascii_case(core))
    }

    /// `name` or `name.sub`, lower-case, for lookups.
    pub fn key(&self) -> String {
        match &self.sub {
            Some(s) => format!("{}.{}", self.name, s).to_ascii_lowercase(),
            None => self.name.to_ascii_lowercase(),
        }
    }

    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Splits `urn:…:attr.sub` into the URN and `attr.sub`. The URN ends at the last `:`
/// before the attribute (schema URNs contain dots, as in `2.0`, and attributes do not
/// contain colons).
pub fn split_urn(raw: &str) -> Option<(&str, &str)> {
    let at = raw.rfind(':')?;
    let (uri, rest) = (&raw[..at], &raw[at + 1..]);
    (!rest.is_empty()).then_some((uri, rest))
}

/// Strips a `urn:…:` prefix naming `schema` from a JSON key or path; other keys as is.
pub fn strip_schema<'a>(raw: &'a str, schema: &str) -> &'a str {
    match raw.get(..schema.len()) {
        Some(p) if p.eq_ignore_ascii_case(schema) && raw[schema.len()..].starts_with(':') => {
            &raw[schema.len() + 1..]
        }
        _ => raw,
    }
}
