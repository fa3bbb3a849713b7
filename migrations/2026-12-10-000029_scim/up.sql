-- SCIM 2.0 (issue 22): the userName and externalId an identity provider keeps for each
-- user, and the org-bound tokens SCIM clients authenticate with.
--
-- `user_name` NULL means "the email" (users created outside SCIM), so that no existing
-- row needs rewriting; the effective userName, `coalesce(user_name, email)`, is unique
-- per org case-insensitively, and that index serves `userName eq "…"` filters.
-- `email_type` is the `type` of the user's email as sent (NULL reads as `work`).
ALTER TABLE users ADD COLUMN user_name text, ADD COLUMN external_id text, ADD COLUMN email_type text;
CREATE UNIQUE INDEX users_org_user_name_key ON users (org_id, lower(coalesce(user_name, email)));
CREATE INDEX users_org_external_id_idx ON users (org_id, external_id) WHERE external_id IS NOT NULL;

-- A SCIM token works for one org and only on /scim/v2; only its SHA-256 is stored.
CREATE TABLE scim_tokens (
    org_id      text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          text        NOT NULL,
    name        text        NOT NULL,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scim_tokens_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT scim_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX scim_tokens_org_created_idx ON scim_tokens (org_id, created_at, id);
