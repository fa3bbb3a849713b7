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
        /// Whether the owner proved they receive this email (a link Roster mailed them).
        email_verified -> Bool,
        image -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

// `users.search` (generated: `name || U+001F || email`, trigram-indexed) and
// `users.email_type` (SCIM's `type` of the email) are not declared here: diesel's tables
// hold 16 columns without a costly feature. Queries name them in SQL (`users::filter`,
// `users::word_search`, `roster_scim::users`).
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
        /// `roster_core::keys::identity_key(email)`: unique in the org.
        email_key -> Text,
        /// The SCIM userName; NULL reads as `email` (users created outside SCIM).
        user_name -> Nullable<Text>,
        /// The SCIM externalId, as the identity provider sent it.
        external_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Tokens of SCIM clients: bound to one org, only their SHA-256 stored.
    scim_tokens (org_id, id) {
        org_id -> Text,
        id -> Text,
        name -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
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
        updated_at -> Timestamptz,
        ip_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
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

diesel::table! {
    org_groups (org_id, id) {
        org_id -> Text,
        id -> Text,
        display_name -> Text,
        /// `roster_core::keys::identity_key(display_name)`: unique per org.
        display_name_key -> Text,
        external_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    org_group_members (org_id, group_id, user_id) {
        org_id -> Text,
        group_id -> Text,
        user_id -> Text,
        created_at -> Timestamptz,
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
    integrations,
    scim_tokens,
    org_groups,
    org_group_members
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
        /// The workspace of an import of external users; none for an org's users.
        workspace_id -> Nullable<Uuid>,
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
        external_id -> Nullable<Text>,
        identifier -> Nullable<Text>,
    }
}

/// `users.metadata` (`roster_core::metadata`), a column declared by hand as `table!`
/// declares one: `users` above holds the 16 columns diesel's tables take without the
/// costly feature. It is statically known, so statements holding it are prepared once as
/// any other. Used as `users_metadata::metadata`.
pub mod users_metadata {
    use diesel::expression::{is_aggregate, ValidGrouping};
    use diesel::internal::table_macro::{
        FromClause, Inner, Join, JoinOn, LeftOuter, Pick, SelectStatement,
    };
    use diesel::pg::Pg;
    use diesel::query_builder::{AstPass, QueryFragment, QueryId};
    use diesel::query_source::{AppearsInFromClause, Column, Never, Once, QuerySource};
    use diesel::result::QueryResult;
    use diesel::sql_types::Jsonb;
    use diesel::{AppearsOnTable, Expression, SelectableExpression};

    use super::users;

    #[allow(non_camel_case_types)]
    #[derive(Debug, Clone, Copy, QueryId, Default)]
    pub struct metadata;

    impl Expression for metadata {
        type SqlType = Jsonb;
    }

    impl QueryFragment<Pg> for metadata {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            if !out.should_skip_from() {
                out.push_identifier("users")?;
                out.push_sql(".");
            }
            out.push_identifier("metadata")
        }
    }

    impl SelectableExpression<users::table> for metadata {}

    // As `table!` writes them: selectable wherever `users` is joined in (not on the
    // nullable side of a left join), and in subselects.
    impl<Left, Right> SelectableExpression<Join<Left, Right, LeftOuter>> for metadata
    where
        metadata: AppearsOnTable<Join<Left, Right, LeftOuter>>,
        Self: SelectableExpression<Left>,
        Right: AppearsInFromClause<users::table, Count = Never> + QuerySource,
        Left: QuerySource,
    {
    }

    impl<Left, Right> SelectableExpression<Join<Left, Right, Inner>> for metadata
    where
        metadata: AppearsOnTable<Join<Left, Right, Inner>>,
        Left: AppearsInFromClause<users::table> + QuerySource,
        Right: AppearsInFromClause<users::table> + QuerySource,
        (Left::Count, Right::Count): Pick<Left, Right>,
        Self: SelectableExpression<<(Left::Count, Right::Count) as Pick<Left, Right>>::Selection>,
    {
    }

    impl<J, On> SelectableExpression<JoinOn<J, On>> for metadata where
        metadata: SelectableExpression<J> + AppearsOnTable<JoinOn<J, On>>
    {
    }

    impl<From> SelectableExpression<SelectStatement<FromClause<From>>> for metadata
    where
        From: QuerySource,
        metadata: SelectableExpression<From> + AppearsOnTable<SelectStatement<FromClause<From>>>,
    {
    }

    impl<QS> AppearsOnTable<QS> for metadata where QS: AppearsInFromClause<users::table, Count = Once> {}

    impl ValidGrouping<()> for metadata {
        type IsAggregate = is_aggregate::No;
    }

    impl Column for metadata {
        type Table = users::table;
        const NAME: &'static str = "metadata";
    }
}
