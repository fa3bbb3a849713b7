-- Projects of an org, their members (with a project role), per-user pins, and the
-- artifacts added to them. Every key and list index leads with org_id; rows that name a
-- user reference users (org_id, id), so a user of another org can never be linked.

CREATE TABLE projects (
    org_id                text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id                    text        NOT NULL,
    name                  text        NOT NULL,
    goal                  text,
    deadline              timestamptz,
    visibility            text        NOT NULL DEFAULT 'Private',
    default_member_role   text        NOT NULL DEFAULT 'Viewer',
    default_role_enabled  boolean     NOT NULL DEFAULT false,
    project_context       text,
    answer_context        text,
    -- Kept in step with project_members in the same transaction, under the row's lock.
    member_count          integer     NOT NULL DEFAULT 0,
    created_by            text        NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT projects_created_by_fkey FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id),
    CONSTRAINT projects_visibility_check CHECK (visibility IN ('Private', 'Org')),
    CONSTRAINT projects_default_member_role_check CHECK (default_member_role IN ('Owner', 'Editor', 'Viewer')),
    CONSTRAINT projects_member_count_check CHECK (member_count >= 0)
);
-- Lists are newest first.
CREATE INDEX projects_org_created_idx ON projects (org_id, created_at, id);
CREATE INDEX projects_org_created_by_idx ON projects (org_id, created_by);

CREATE TABLE project_members (
    org_id      text        NOT NULL,
    project_id  text        NOT NULL,
    user_id     text        NOT NULL,
    role        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_members_pkey PRIMARY KEY (org_id, project_id, user_id),
    CONSTRAINT project_members_project_fkey FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
    CONSTRAINT project_members_user_fkey FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
    CONSTRAINT project_members_role_check CHECK (role IN ('Owner', 'Editor', 'Viewer'))
);
-- The members of a project in the order they joined; the projects of a user.
CREATE INDEX project_members_org_project_created_idx ON project_members (org_id, project_id, created_at, user_id);
CREATE INDEX project_members_org_user_idx ON project_members (org_id, user_id, project_id);

CREATE TABLE project_pins (
    org_id      text        NOT NULL,
    user_id     text        NOT NULL,
    project_id  text        NOT NULL,
    pinned_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_pins_pkey PRIMARY KEY (org_id, user_id, project_id),
    CONSTRAINT project_pins_project_fkey FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
    CONSTRAINT project_pins_user_fkey FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX project_pins_org_project_idx ON project_pins (org_id, project_id);

CREATE TABLE artifacts (
    org_id         text        NOT NULL,
    id             text        NOT NULL,
    project_id     text        NOT NULL,
    name           text        NOT NULL,
    type           text        NOT NULL,
    source         text        NOT NULL DEFAULT 'User',
    state          text        NOT NULL DEFAULT 'Processing',
    ingest_status  text        NOT NULL DEFAULT 'Pending',
    has_content    boolean     NOT NULL DEFAULT false,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artifacts_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT artifacts_project_fkey FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
    CONSTRAINT artifacts_created_by_fkey FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id),
    CONSTRAINT artifacts_type_check CHECK (type IN ('Document', 'Spreadsheet', 'Presentation', 'Image', 'Other')),
    CONSTRAINT artifacts_source_check CHECK (source IN ('User', 'Integration', 'Agent')),
    CONSTRAINT artifacts_state_check CHECK (state IN ('Processing', 'Ready', 'Failed')),
    CONSTRAINT artifacts_ingest_status_check CHECK (ingest_status IN ('Pending', 'InProgress', 'Done', 'Failed'))
);
-- A project's artifacts, and a user's latest ones, newest first.
CREATE INDEX artifacts_org_project_created_idx ON artifacts (org_id, project_id, created_at, id);
CREATE INDEX artifacts_org_created_by_created_idx ON artifacts (org_id, created_by, created_at, id);
