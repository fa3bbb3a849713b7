-- A user's connections to outside tools. One per (user, type): connecting the same
-- tool again is a conflict. Slack links keep a `Slack` row here in step with the link.
CREATE TABLE integrations (
    org_id      text        NOT NULL,
    id          text        NOT NULL,
    user_id     text        NOT NULL,
    type        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT integrations_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT integrations_org_user_type_key UNIQUE (org_id, user_id, type),
    CONSTRAINT integrations_user_fkey FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
    CONSTRAINT integrations_type_check CHECK (type IN ('Confluence', 'Jira', 'GoogleDrive', 'Notion', 'GitHub', 'Slack'))
);
