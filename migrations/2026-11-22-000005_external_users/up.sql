-- External users (Zaia-compatible family): workspaces of an org and their API keys,
-- channels, tiers, external user groups, super identities and external users.
-- Ids are UUID v4 made by the application. Every tenant row carries workspace_id, and
-- every key and list index starts with it; references between tenant rows are composite
-- (workspace_id, id) so that no row can point into another workspace.

-- Substring search (ILIKE '%...%') is served by trigram indexes. The extension is
-- created only when absent, and marked so that down.sql drops it only if we made it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm;
        COMMENT ON EXTENSION pg_trgm IS 'created by migration 2026-11-22-000005_external_users';
    END IF;
END
$$;

CREATE TABLE external_workspaces (
    id          uuid        PRIMARY KEY,
    org_id      text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX external_workspaces_org_created_idx ON external_workspaces (org_id, created_at, id);

-- Only the SHA-256 of a key is kept. A key names its workspace, so that lookups and the
-- unique constraint lead with the tenant key.
CREATE TABLE external_api_keys (
    workspace_id  uuid        NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    key_hash      bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_api_keys_pkey PRIMARY KEY (workspace_id, id),
    CONSTRAINT external_api_keys_hash_key UNIQUE (workspace_id, key_hash)
);
CREATE INDEX external_api_keys_created_idx ON external_api_keys (workspace_id, created_at, id);

CREATE TABLE external_channels (
    workspace_id  uuid        NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_channels_pkey PRIMARY KEY (workspace_id, id)
);
CREATE INDEX external_channels_created_idx ON external_channels (workspace_id, created_at, id);

CREATE TABLE external_tiers (
    workspace_id  uuid        NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_tiers_pkey PRIMARY KEY (workspace_id, id)
);
CREATE INDEX external_tiers_created_idx ON external_tiers (workspace_id, created_at, id);

CREATE TABLE external_user_groups (
    workspace_id  uuid        NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    external_id   text,
    tier_id       uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_user_groups_pkey PRIMARY KEY (workspace_id, id),
    CONSTRAINT external_user_groups_external_id_key UNIQUE (workspace_id, external_id),
    -- Deleting a tier leaves its groups without one.
    CONSTRAINT external_user_groups_tier_fkey FOREIGN KEY (workspace_id, tier_id)
        REFERENCES external_tiers (workspace_id, id) ON DELETE SET NULL (tier_id)
);
CREATE INDEX external_user_groups_created_idx ON external_user_groups (workspace_id, created_at, id);
CREATE INDEX external_user_groups_tier_idx ON external_user_groups (workspace_id, tier_id, created_at, id);
-- GIN cannot lead with a uuid column without btree_gin; the planner ANDs these with the
-- workspace index.
CREATE INDEX external_user_groups_name_trgm ON external_user_groups USING gin (name gin_trgm_ops);
CREATE INDEX external_user_groups_external_id_trgm ON external_user_groups USING gin (external_id gin_trgm_ops);

-- The person behind external users on several channels of one workspace.
CREATE TABLE external_super_identities (
    workspace_id  uuid        NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_super_identities_pkey PRIMARY KEY (workspace_id, id)
);

CREATE TABLE external_users (
    workspace_id            uuid        NOT NULL,
    id                      uuid        NOT NULL,
    channel_id              uuid        NOT NULL,
    super_identity_id       uuid        NOT NULL,
    tier_id                 uuid,
    external_user_group_id  uuid,
    external_id             text,
    identifier              text,
    name                    text,
    blocked                 boolean     NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_users_pkey PRIMARY KEY (workspace_id, id),
    -- One user per external reference in a channel (NULLs do not collide).
    CONSTRAINT external_users_channel_external_id_key UNIQUE (workspace_id, channel_id, external_id),
    -- A channel with users cannot be deleted.
    CONSTRAINT external_users_channel_fkey FOREIGN KEY (workspace_id, channel_id)
        REFERENCES external_channels (workspace_id, id),
    CONSTRAINT external_users_super_identity_fkey FOREIGN KEY (workspace_id, super_identity_id)
        REFERENCES external_super_identities (workspace_id, id),
    CONSTRAINT external_users_tier_fkey FOREIGN KEY (workspace_id, tier_id)
        REFERENCES external_tiers (workspace_id, id) ON DELETE SET NULL (tier_id),
    CONSTRAINT external_users_group_fkey FOREIGN KEY (workspace_id, external_user_group_id)
        REFERENCES external_user_groups (workspace_id, id) ON DELETE SET NULL (external_user_group_id)
);
-- One user per identifier in a channel, case-insensitively.
CREATE UNIQUE INDEX external_users_channel_identifier_key
    ON external_users (workspace_id, channel_id, lower(identifier));
-- Super identity joining: the same identifier on any channel of the workspace.
CREATE INDEX external_users_identifier_idx ON external_users (workspace_id, lower(identifier));
CREATE INDEX external_users_created_idx ON external_users (workspace_id, created_at, id);
CREATE INDEX external_users_super_identity_idx ON external_users (workspace_id, super_identity_id, created_at, id);
CREATE INDEX external_users_tier_idx ON external_users (workspace_id, tier_id, created_at, id);
CREATE INDEX external_users_group_idx ON external_users (workspace_id, external_user_group_id, created_at, id);
CREATE INDEX external_users_name_trgm ON external_users USING gin (name gin_trgm_ops);
CREATE INDEX external_users_identifier_trgm ON external_users USING gin (identifier gin_trgm_ops);
CREATE INDEX external_users_external_id_trgm ON external_users USING gin (external_id gin_trgm_ops);
