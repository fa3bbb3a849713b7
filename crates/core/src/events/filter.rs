//! Filters by event type: `user.created`, or `user.*` for every type under `user.`.

use std::str::FromStr;

use super::catalogue::EventType;
use crate::DomainError;

/// The pattern of a filter by prefix, e.g. `user.*`.
pub const PREFIX_PATTERN: &str = r"^[a-z_]+(\.[a-z_]+)*\.\*$";

/// One name of a type filter: a type, or `prefix.*` for every type under `prefix.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeFilter {
    Exactly(EventType),
    /// The prefix with its dot (`user.`).
    Under(String),
}

impl TypeFilter {
    /// Parses a filter named by `field`: a type of the catalogue, or `prefix.*` where
    /// some type starts with `prefix.`; anything else is a 400 naming `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        raw.parse()
            .map_err(|message| DomainError::invalid(field, message))
    }

    pub fn matches(&self, kind: EventType) -> bool {
        match self {
            Self::Exactly(t) => *t == kind,
            Self::Under(prefix) => kind.as_str().starts_with(prefix.as_str()),
        }
    }

    /// The filter as written (`user.created`, `user.*`).
    pub fn as_written(&self) -> String {
        match self {
            Self::Exactly(t) => t.as_str().to_owned(),
            Self::Under(prefix) => format!("{prefix}*"),
        }
    }
}

impl FromStr for TypeFilter {
    /// What is wrong with it, for people.
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        if let Ok(kind) = EventType::from_str(raw) {
            return Ok(Self::Exactly(kind));
        }
        if let Some(prefix) = raw.strip_suffix('*').filter(|p| p.ends_with('.')) {
            if EventType::ALL
                .iter()
                .any(|t| t.as_str().starts_with(prefix))
            {
                return Ok(Self::Under(prefix.to_owned()));
            }
        }
        let shown: String = raw.chars().take(100).collect();
        Err(format!(
            "unknown event type `{shown}`: use a type of the catalogue ({}) or a prefix such as user.*",
            EventType::allowed()
        ))
    }
}

impl serde::Serialize for TypeFilter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_written())
    }
}

impl<'de> serde::Deserialize<'de> for TypeFilter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for TypeFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Ref, Type};
        OneOfBuilder::new()
            .item(Ref::from_schema_name("EventType"))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(PREFIX_PATTERN))
                    .enum_values(Some(prefixes()))
                    .description(Some("Every type under a prefix, e.g. user.*")),
            )
            .into()
    }
}

/// Every prefix filter that names some type of the catalogue (`user.*`, ...), in
/// catalogue order: the only ones accepted.
pub fn prefixes() -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for kind in EventType::ALL {
        let name = kind.as_str();
        for (at, _) in name.match_indices('.') {
            let prefix = format!("{}*", &name[..=at]);
            if !all.contains(&prefix) {
                all.push(prefix);
            }
        }
    }
    all
}

impl utoipa::ToSchema for TypeFilter {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "EventType".to_owned(),
            <EventType as utoipa::PartialSchema>::schema(),
        ));
    }
}

/// The types any of `filters` lets through, in catalogue order.
pub fn types_matching(filters: &[TypeFilter]) -> Vec<EventType> {
    EventType::ALL
        .iter()
        .copied()
        .filter(|t| filters.iter().any(|f| f.matches(*t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_prefixes_are_those_accepted() {
        let prefixes = prefixes();
        assert!(prefixes.contains(&"user.*".to_owned()), "{prefixes:?}");
        for prefix in &prefixes {
            assert!(TypeFilter::parse("type", prefix).is_ok(), "{prefix}");
        }
        assert!(!prefixes.iter().any(|p| p == "_.*" || p == "*"));
    }

    #[test]
    fn filters_are_types_or_known_prefixes() {
        assert_eq!(
            TypeFilter::parse("type", "user.created").unwrap(),
            TypeFilter::Exactly(EventType::UserCreated)
        );
        let users = TypeFilter::parse("type", "user.*").unwrap();
        assert!(users.matches(EventType::UserDeactivated));
        assert!(!users.matches(EventType::WebhookCreated));
        assert_eq!(users.as_written(), "user.*");
        for bad in [
            "user",
            "user.",
            "*",
            "users.*",
            "nope.*",
            "user.created.*",
            "",
        ] {
            let err = TypeFilter::parse("type", bad).unwrap_err();
            assert!(
                err.to_string().starts_with("type: unknown event type"),
                "{bad}: {err}"
            );
        }
        let both = [
            TypeFilter::parse("t", "webhook.test").unwrap(),
            TypeFilter::parse("t", "user.*").unwrap(),
        ];
        let types = types_matching(&both);
        assert!(types.contains(&EventType::UserCreated) && types.contains(&EventType::WebhookTest));
        assert!(!types.contains(&EventType::WebhookCreated));
    }
}
