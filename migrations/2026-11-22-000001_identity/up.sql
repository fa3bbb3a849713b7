-- Identity: orgs (the tenants), accounts (people who log in), users (an account's
-- membership in one org), API tokens and sessions. Ids are prefixed random text, never
-- sequences; tenant-owned tables lead every key and list index with org_id.

CREATE TABLE orgs (
    id          text        PRIMARY KEY,
    slug        text        NOT NULL,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orgs_slug_key UNIQUE (slug)
);

CREATE TABLE accounts (
    id             text        PRIMARY KEY,
    email          text        NOT NULL,
    name           text        NOT NULL,
    password_hash  text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));

CREATE TABLE users (
    org_id                    text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id                        text        NOT NULL,
    account_id                text        NOT NULL REFERENCES accounts (id),
    name                      text        NOT NULL,
    given_name                text,
    family_name               text,
    email                     text        NOT NULL,
    job_position_name         text,
    job_position_description  text,
    state                     text        NOT NULL DEFAULT 'Active',
    role                      text        NOT NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT users_org_account_key UNIQUE (org_id, account_id),
    CONSTRAINT users_state_check CHECK (state IN ('Active', 'Inactive')),
    CONSTRAINT users_role_check CHECK (role IN ('AppAdmin', 'AppMember'))
);
CREATE UNIQUE INDEX users_org_email_key ON users (org_id, lower(email));
CREATE INDEX users_org_created_idx ON users (org_id, created_at, id);
-- Finds an account's memberships (sign-in picks an active org) without a tenant key.
CREATE INDEX users_account_idx ON users (account_id);

CREATE TABLE api_tokens (
    id            text        PRIMARY KEY,
    account_id    text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    token_hash    bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id, created_at, id);

CREATE TABLE sessions (
    id             text        PRIMARY KEY,
    account_id     text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash     bytea       NOT NULL,
    active_org_id  text        REFERENCES orgs (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
