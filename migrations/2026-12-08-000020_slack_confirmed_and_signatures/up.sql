-- A Slack workspace registered by hand is unconfirmed until a signed request arrives from
-- its team; until then an OAuth install by the team's real owner replaces it. Workspaces
-- that exist already were in use: they count as confirmed.
ALTER TABLE slack_workspaces ADD COLUMN confirmed boolean NOT NULL DEFAULT true;

-- Signed Slack requests already received, by the SHA-256 of their signature, until their
-- timestamp leaves the 5-minute window: the key refuses a replay, even a concurrent one
-- on another replica. Expired rows are deleted a batch at a time as requests arrive.
-- Slack's requests name no tenant before they are checked, so this table has none.
CREATE TABLE slack_request_signatures (
    signature_hash  bytea       NOT NULL,
    expires_at      timestamptz NOT NULL,
    CONSTRAINT slack_request_signatures_pkey PRIMARY KEY (signature_hash)
);
CREATE INDEX slack_request_signatures_expiry_idx ON slack_request_signatures (expires_at);
