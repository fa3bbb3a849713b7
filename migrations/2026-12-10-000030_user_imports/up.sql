-- Bulk imports of users over HTTP (`POST /api/v1/app/user-imports`): each import's state and
-- live counts, and the lines it refused. An import still `running` when a gateway starts
-- was cut off by a restart: the gateway marks it `interrupted`.
CREATE TABLE user_imports (
    org_id       text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id           text        NOT NULL,
    state        text        NOT NULL,
    format       text        NOT NULL,
    on_conflict  text        NOT NULL,
    dry_run      boolean     NOT NULL,
    read         bigint      NOT NULL DEFAULT 0,
    created      bigint      NOT NULL DEFAULT 0,
    updated      bigint      NOT NULL DEFAULT 0,
    skipped      bigint      NOT NULL DEFAULT 0,
    failed       bigint      NOT NULL DEFAULT 0,
    -- What stopped the whole import (a CSV header naming an unknown column, a body too
    -- large), if anything did.
    error        text,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_imports_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT user_imports_state_check
        CHECK (state IN ('running', 'completed', 'failed', 'interrupted'))
);
-- Finds the running ones at start-up.
CREATE INDEX user_imports_running_idx ON user_imports (state) WHERE state = 'running';

CREATE TABLE user_import_errors (
    org_id     text   NOT NULL,
    import_id  text   NOT NULL,
    line       bigint NOT NULL,
    email      text,
    code       text   NOT NULL,
    message    text   NOT NULL,
    CONSTRAINT user_import_errors_pkey PRIMARY KEY (org_id, import_id, line),
    CONSTRAINT user_import_errors_import_fkey FOREIGN KEY (org_id, import_id)
        REFERENCES user_imports (org_id, id) ON DELETE CASCADE
);
