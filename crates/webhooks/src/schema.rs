//! The webhook tables (migration `2026-12-09-000021_events`).

diesel::table! {
    webhook_endpoints (org_id, id) {
        org_id -> Text,
        id -> Text,
        url -> Text,
        events -> Nullable<Array<Text>>,
        description -> Nullable<Text>,
        enabled -> Bool,
        secret_sealed -> Bytea,
        previous_secret_sealed -> Nullable<Bytea>,
        previous_secret_expires_at -> Nullable<Timestamptz>,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (org_id, id) {
        org_id -> Text,
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        event_type -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamptz>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}
