//! Ids: Roster's own (`slink_…`, `sconn_…`) and Slack's (`T…`, `U…`, `E…`), each parsed
//! once at the edge.

use std::fmt;

use roster_core::schema::StringSchema;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

roster_core::prefixed_id!(
    /// A link between a Slack user and a Roster user: `slink_…`.
    SlackLinkId, "slink"
);
roster_core::prefixed_id!(
    /// A connect session (linking by Slack OpenID Connect): `sconn_…`.
    ConnectSessionId, "sconn"
);

/// Longest Slack id accepted; Slack's are about 9 to 12 characters.
const MAX_SLACK_ID: usize = 32;

fn slack_id(raw: &str, first: &[u8]) -> Option<String> {
    let bytes = raw.as_bytes();
    let ok = bytes.len() >= 2
        && bytes.len() <= MAX_SLACK_ID
        && first.contains(&bytes[0])
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    ok.then(|| raw.to_owned())
}

/// The pattern of ids starting with one of `first`, then `rest` (a repetition) of `A-Z0-9`.
fn slack_pattern(first: &[u8], rest: &str) -> String {
    let first = String::from_utf8_lossy(first);
    let first = if first.len() == 1 {
        first.into_owned()
    } else {
        format!("[{first}]")
    };
    format!("^{first}[A-Z0-9]{rest}$")
}

macro_rules! slack_id_type {
    ($(#[$meta:meta])* $name:ident, $first:expr, $example:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// An id of this kind, for documentation.
            pub const EXAMPLE: &'static str = $example;

            /// The pattern ids of this kind match, as errors state it.
            pub fn pattern() -> String {
                slack_pattern($first, "+")
            }

            /// Parses an id, or `None` when it does not match [`Self::pattern`] (or is
            /// longer than any Slack id).
            pub fn parse(raw: &str) -> Option<Self> {
                slack_id(raw, $first).map(Self)
            }

            /// Parses an input field, or a 400 that names it and the pattern.
            pub fn parse_field(field: &str, raw: &str) -> Result<Self, DomainError> {
                Self::parse(raw.trim()).ok_or_else(|| {
                    DomainError::invalid(field, format!("must match {}", Self::pattern()))
                })
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl $name {
            /// The schema of an id field: the pattern, with the length `parse` takes.
            pub fn string_schema() -> StringSchema {
                let rest = format!("{{1,{}}}", MAX_SLACK_ID - 1);
                StringSchema::matching(slack_pattern($first, &rest))
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                Self::string_schema().into()
            }
        }

        impl ToSchema for $name {}

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slack_id_type!(
    /// A Slack team (workspace) id, such as `T0A1B2C3D`.
    TeamId, b"T", "T0A1B2C3D"
);
slack_id_type!(
    /// A Slack user id, such as `U0A1B2C3D` (or `W…` on Enterprise Grid).
    SlackUserId, b"UW", "U0A1B2C3D"
);
slack_id_type!(
    /// A Slack Enterprise Grid organisation id, such as `E0A1B2C3D`.
    EnterpriseId, b"E", "E0A1B2C3D"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_ids_follow_slacks_pattern() {
        assert!(TeamId::parse("T0A1B2C3D").is_some());
        for bad in [
            "",
            "T",
            "t0ABC",
            "U0ABC",
            "T0abc",
            "T0-AB",
            &format!("T{}", "A".repeat(40)),
        ] {
            assert!(TeamId::parse(bad).is_none(), "{bad}");
        }
        assert!(SlackUserId::parse("U0ABC").is_some());
        assert!(SlackUserId::parse("W0ABC").is_some());
        assert!(SlackUserId::parse("T0ABC").is_none());
        assert!(EnterpriseId::parse("E0ABC").is_some());
        let err = TeamId::parse_field("teamId", "nope").unwrap_err();
        assert!(err.to_string().contains("^T[A-Z0-9]+$"), "{err}");
        assert_eq!(SlackUserId::pattern(), "^[UW][A-Z0-9]+$");
    }

    #[test]
    fn id_schemas_bound_the_length_parse_takes() {
        let pattern =
            |schema: RefOr<Schema>| serde_json::to_value(schema).unwrap()["pattern"].clone();
        assert_eq!(pattern(TeamId::schema()), "^T[A-Z0-9]{1,31}$");
        assert_eq!(pattern(SlackUserId::schema()), "^[UW][A-Z0-9]{1,31}$");
        let longest = format!("T{}", "A".repeat(31));
        assert!(TeamId::parse(&longest).is_some());
        assert!(TeamId::parse(&format!("{longest}A")).is_none());
    }
}
