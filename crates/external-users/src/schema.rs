//! The tables this crate owns.

diesel::table! {
    external_workspaces (id) {
        id -> Uuid,
        org_id -> Text,
        name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    external_api_keys (workspace_id, id) {
        workspace_id -> Uuid,
        id -> Uuid,
        name -> Text,
        key_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

/// A catalogue's table (`crate::catalogue`): every catalogue has the same columns.
macro_rules! catalogue_table {
    ($table:ident) => {
        diesel::table! {
            $table (workspace_id, id) {
                workspace_id -> Uuid,
                id -> Uuid,
                name -> Text,
                created_at -> Timestamptz,
                updated_at -> Timestamptz,
            }
        }
    };
}

catalogue_table!(external_channels);
catalogue_table!(external_tiers);

diesel::table! {
    external_user_groups (workspace_id, id) {
        workspace_id -> Uuid,
        id -> Uuid,
        name -> Text,
        external_id -> Nullable<Text>,
        tier_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// `roster_core::metadata`: a JSON object of strings, never null.
        metadata -> Jsonb,
    }
}

diesel::table! {
    external_super_identities (workspace_id, id) {
        workspace_id -> Uuid,
        id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    external_users (workspace_id, id) {
        workspace_id -> Uuid,
        id -> Uuid,
        channel_id -> Uuid,
        super_identity_id -> Uuid,
        tier_id -> Nullable<Uuid>,
        external_user_group_id -> Nullable<Uuid>,
        external_id -> Nullable<Text>,
        identifier -> Nullable<Text>,
        name -> Nullable<Text>,
        blocked -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// Generated: name, identifier and external id joined by U+001F (searched).
        search -> Text,
        /// `roster_core::keys::identity_key(identifier)`: unique in the channel, and how
        /// super identities are joined.
        identifier_key -> Nullable<Text>,
        /// `roster_core::metadata`: a JSON object of strings, never null.
        metadata -> Jsonb,
    }
}

diesel::table! {
    /// External users per (workspace, channel, tier, group), striped; kept by triggers on
    /// `external_users`. Sum the stripes. The "key" is a unique constraint, not a primary
    /// key: tier and group may be NULL.
    external_user_counts (workspace_id, channel_id, tier_id, external_user_group_id, stripe) {
        workspace_id -> Uuid,
        channel_id -> Uuid,
        tier_id -> Nullable<Uuid>,
        external_user_group_id -> Nullable<Uuid>,
        stripe -> SmallInt,
        n -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    external_workspaces,
    external_api_keys,
    external_channels,
    external_tiers,
    external_user_groups,
    external_super_identities,
    external_users,
    external_user_counts
);
