-- Slack user linking: which tenant owns a Slack team, the tenant's installed workspaces,
-- links between Slack users and Roster users, redeemed link tokens and connect sessions.

-- The route from a Slack team to its tenant: a signed Slack request names only its team,
-- so this one lookup happens before the tenant is known. It holds nothing but the route
-- (a reference table under Citus), and its key makes "one team, one tenant" a constraint.
CREATE TABLE slack_teams (
    team_id  text NOT NULL,
    org_id   text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    CONSTRAINT slack_teams_pkey PRIMARY KEY (team_id)
);
CREATE INDEX slack_teams_org_idx ON slack_teams (org_id, team_id);

-- A Slack workspace installed for a tenant. The bot token is sealed (XChaCha20-Poly1305,
-- key derived from ROSTER_SECRET), never stored in plain text.
CREATE TABLE slack_workspaces (
    org_id            text        NOT NULL,
    team_id           text        NOT NULL,
    team_name         text        NOT NULL,
    enterprise_id     text,
    bot_user_id       text,
    bot_token_sealed  bytea,
    installed_by      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT slack_workspaces_pkey PRIMARY KEY (org_id, team_id),
    CONSTRAINT slack_workspaces_team_fkey FOREIGN KEY (team_id)
        REFERENCES slack_teams (team_id) ON DELETE CASCADE,
    CONSTRAINT slack_workspaces_org_fkey FOREIGN KEY (org_id)
        REFERENCES orgs (id) ON DELETE CASCADE,
    CONSTRAINT slack_workspaces_installed_by_fkey FOREIGN KEY (org_id, installed_by)
        REFERENCES users (org_id, id) ON DELETE SET NULL (installed_by)
);
CREATE INDEX slack_workspaces_org_created_idx ON slack_workspaces (org_id, created_at, team_id);

-- A Slack user linked to a Roster user of the workspace's tenant: one link per Slack user
-- and team. A Roster user may hold several (one per workspace, say).
CREATE TABLE slack_user_links (
    org_id          text        NOT NULL,
    id              text        NOT NULL,
    team_id         text        NOT NULL,
    slack_user_id   text        NOT NULL,
    user_id         text        NOT NULL,
    enterprise_id   text,
    slack_username  text,
    slack_email     text,
    linked_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    CONSTRAINT slack_user_links_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT slack_user_links_slack_user_key UNIQUE (org_id, team_id, slack_user_id),
    CONSTRAINT slack_user_links_workspace_fkey FOREIGN KEY (org_id, team_id)
        REFERENCES slack_workspaces (org_id, team_id) ON DELETE CASCADE,
    CONSTRAINT slack_user_links_user_fkey FOREIGN KEY (org_id, user_id)
        REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX slack_user_links_team_idx ON slack_user_links (org_id, team_id, linked_at, id);
CREATE INDEX slack_user_links_user_idx ON slack_user_links (org_id, user_id, linked_at);

-- Link tokens already redeemed, by their jti: the primary key makes a token single-use
-- even when two redemptions race. Rows are pruned once their token has expired.
CREATE TABLE slack_link_redemptions (
    org_id       text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    jti          text        NOT NULL,
    redeemed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    CONSTRAINT slack_link_redemptions_pkey PRIMARY KEY (org_id, jti)
);
CREATE INDEX slack_link_redemptions_expiry_idx ON slack_link_redemptions (org_id, expires_at);

-- Connect sessions: a user's short-lived, single-use ticket to link Slack by OpenID
-- Connect. Only the SHA-256 of the session token is kept.
CREATE TABLE slack_connect_sessions (
    org_id      text        NOT NULL,
    id          text        NOT NULL,
    user_id     text        NOT NULL,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT slack_connect_sessions_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT slack_connect_sessions_token_key UNIQUE (org_id, token_hash),
    CONSTRAINT slack_connect_sessions_user_fkey FOREIGN KEY (org_id, user_id)
        REFERENCES users (org_id, id) ON DELETE CASCADE
);
