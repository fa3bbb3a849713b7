-- Idempotency keys (the IETF httpapi Idempotency-Key draft) of the creates marked so in
-- the route table: one row per (tenant, credential, key). `answer` is NULL while the first
-- request runs, then the first answer (status, the headers that matter, body), sealed
-- with a key of its own because the answers of token and key creates carry the secret.
-- Rows older than the configured window (24 h) are ignored and deleted in batches.
CREATE TABLE idempotency_keys (
    -- The org (App family) or the workspace (external family) of the request.
    tenant text NOT NULL,
    -- SHA-256 of the credential that sent it (a token, session or workspace API key).
    credential bytea NOT NULL,
    key text NOT NULL,
    -- SHA-256 of the method, path, query and body of the first request.
    fingerprint bytea NOT NULL,
    answer bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, credential, key)
);

-- The expiry task's batches, oldest first.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
