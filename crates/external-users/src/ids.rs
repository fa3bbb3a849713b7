//! Typed ids of the external family: UUID v4 on the wire and in the database.

/// Declares a `uuid` newtype: made with `Uuid::new_v4`, stored as `uuid`, written as a
/// hyphenated string.
macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        uuid_id!($(#[$meta])* $name as stringify!($name));
    };
    // `as`: the name in the OpenAPI document, where it must not collide with another
    // family's schema of the same Rust name.
    ($(#[$meta:meta])* $name:ident as $schema:expr) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
            ::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = ::diesel::sql_types::Uuid)]
        pub struct $name(pub ::uuid::Uuid);

        impl $name {
            /// A fresh random (v4) id.
            pub fn generate() -> Self {
                Self(::uuid::Uuid::new_v4())
            }

            /// Parses an id from a path; `None` when it is not a UUID (callers answer 404).
            pub fn parse(raw: &str) -> Option<Self> {
                ::uuid::Uuid::try_parse(raw).ok().map(Self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Uuid, ::diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                <::uuid::Uuid as ::diesel::serialize::ToSql<::diesel::sql_types::Uuid, ::diesel::pg::Pg>>::to_sql(
                    &self.0, out,
                )
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Uuid, ::diesel::pg::Pg> for $name {
            fn from_sql(
                bytes: <::diesel::pg::Pg as ::diesel::backend::Backend>::RawValue<'_>,
            ) -> ::diesel::deserialize::Result<Self> {
                <::uuid::Uuid as ::diesel::deserialize::FromSql<::diesel::sql_types::Uuid, ::diesel::pg::Pg>>::from_sql(bytes)
                    .map(Self)
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .format(Some(::utoipa::openapi::SchemaFormat::KnownFormat(
                        ::utoipa::openapi::KnownFormat::Uuid,
                    )))
                    .description(Some("A UUID v4 string that identifies an entity."))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed($schema)
            }
        }
    };
}

uuid_id!(
    /// A workspace: the tenant of the external family; it belongs to an org.
    WorkspaceId
);
uuid_id!(
    /// An API key of a workspace.
    ApiKeyId
);
uuid_id!(
    /// A channel (where external users come from: a website, WhatsApp, ...).
    ChannelId
);
uuid_id!(
    /// A tier (a plan or level external users and groups can be on).
    TierId
);
uuid_id!(
    /// An external user group.
    GroupId
);
uuid_id!(
    /// A super identity: one person behind external users on several channels.
    SuperIdentityId
);
uuid_id!(
    /// An external user (`ExternalUserId`: the App family has its own `UserId`).
    UserId as "ExternalUserId"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v4_and_parse_back() {
        let id = UserId::generate();
        assert_eq!(id.0.get_version_num(), 4);
        assert_eq!(UserId::parse(&id.to_string()), Some(id));
        assert_eq!(UserId::parse("not-a-uuid"), None);
        assert_eq!(UserId::parse(""), None);
    }
}
