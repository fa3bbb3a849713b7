//! The mail tables (migration `2026-12-10-000024_mail`).

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Nullable<Text>,
        link_purpose -> Nullable<Text>,
        link_account_id -> Nullable<Text>,
        link_callback -> Nullable<Text>,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    mail_links (token_hash) {
        token_hash -> Bytea,
        purpose -> Text,
        account_id -> Text,
        email -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}
