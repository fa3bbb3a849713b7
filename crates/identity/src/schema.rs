//! The tables this crate owns.

diesel::table! {
    orgs (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        created_at -> Timestamptz,
        /// `roster_core::keys::identity_key(email)`: unique.
        email_key -> Text,
        /// The org the account last chose: new sessions open there.
        active_org_id -> Nullable<Text>,
    }
}

diesel::table! {
    users (org_id, id) {
        org_id -> Text,
        id -> Text,
        account_id -> Text,
        name -> Text,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        email -> Text,
        job_position_name -> Nullable<Text>,
        job_position_description -> Nullable<Text>,
        state -> Text,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// Generated: `name || U+001F || email`, trigram-indexed for search.
        search -> Text,
        /// `roster_core::keys::identity_key(email)`: unique in the org.
        email_key -> Text,
    }
}

diesel::table! {
    /// Users per (org, state, role), striped; kept by triggers on `users`. Sum the stripes.
    user_counts (org_id, state, role, stripe) {
        org_id -> Text,
        state -> Text,
        role -> Text,
        stripe -> SmallInt,
        n -> Integer,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        token_hash -> Bytea,
        active_org_id -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    integrations (org_id, id) {
        org_id -> Text,
        id -> Text,
        user_id -> Text,
        #[sql_name = "type"]
        type_ -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(users -> orgs (org_id));
diesel::joinable!(users -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(
    orgs,
    accounts,
    users,
    api_tokens,
    sessions,
    integrations
);

diesel::table! {
    /// Bulk imports over HTTP: state and live counts (migration 2026-12-10-000030).
    user_imports (org_id, id) {
        org_id -> Text,
        id -> Text,
        state -> Text,
        format -> Text,
        on_conflict -> Text,
        dry_run -> Bool,
        read -> BigInt,
        created -> BigInt,
        updated -> BigInt,
        skipped -> BigInt,
        failed -> BigInt,
        error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// The lines an import refused.
    user_import_errors (org_id, import_id, line) {
        org_id -> Text,
        import_id -> Text,
        line -> BigInt,
        email -> Nullable<Text>,
        code -> Text,
        message -> Text,
    }
}
