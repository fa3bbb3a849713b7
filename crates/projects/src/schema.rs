//! The tables this crate owns.

diesel::table! {
    projects (org_id, id) {
        org_id -> Text,
        id -> Text,
        name -> Text,
        goal -> Nullable<Text>,
        deadline -> Nullable<Timestamptz>,
        visibility -> Text,
        default_member_role -> Text,
        default_role_enabled -> Bool,
        project_context -> Nullable<Text>,
        answer_context -> Nullable<Text>,
        member_count -> Integer,
        created_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    project_members (org_id, project_id, user_id) {
        org_id -> Text,
        project_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    project_pins (org_id, user_id, project_id) {
        org_id -> Text,
        user_id -> Text,
        project_id -> Text,
        pinned_at -> Timestamptz,
    }
}

diesel::table! {
    artifacts (org_id, id) {
        org_id -> Text,
        id -> Text,
        project_id -> Text,
        name -> Text,
        #[sql_name = "type"]
        type_ -> Text,
        source -> Text,
        state -> Text,
        ingest_status -> Text,
        has_content -> Bool,
        created_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(projects, project_members, project_pins, artifacts);
