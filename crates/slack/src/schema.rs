//! The tables this crate owns (see `migrations/2026-11-22-000004_slack` and
//! `migrations/2026-12-08-000020_slack_confirmed_and_signatures`).

diesel::table! {
    slack_teams (team_id) {
        team_id -> Text,
        org_id -> Text,
    }
}

diesel::table! {
    slack_workspaces (org_id, team_id) {
        org_id -> Text,
        team_id -> Text,
        team_name -> Text,
        enterprise_id -> Nullable<Text>,
        bot_user_id -> Nullable<Text>,
        bot_token_sealed -> Nullable<Bytea>,
        installed_by -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        confirmed -> Bool,
    }
}

diesel::table! {
    slack_request_signatures (signature_hash) {
        signature_hash -> Bytea,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    slack_user_links (org_id, id) {
        org_id -> Text,
        id -> Text,
        team_id -> Text,
        slack_user_id -> Text,
        user_id -> Text,
        enterprise_id -> Nullable<Text>,
        slack_username -> Nullable<Text>,
        slack_email -> Nullable<Text>,
        linked_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    slack_link_redemptions (org_id, jti) {
        org_id -> Text,
        jti -> Text,
        redeemed_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    slack_connect_sessions (org_id, id) {
        org_id -> Text,
        id -> Text,
        user_id -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    slack_teams,
    slack_workspaces,
    slack_user_links,
    slack_link_redemptions,
    slack_connect_sessions,
    slack_request_signatures
);
