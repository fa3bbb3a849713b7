//! The `events` table (migration `2026-12-09-000021_events`).

diesel::table! {
    events (org_id, id) {
        org_id -> Nullable<Text>,
        id -> Text,
        #[sql_name = "type"]
        kind -> Text,
        occurred_at -> Timestamptz,
        actor_type -> Text,
        actor_id -> Nullable<Text>,
        target_type -> Text,
        target_id -> Text,
        request_id -> Nullable<Text>,
        data -> Jsonb,
    }
}
