-- better-auth's wire: an account's image and last change, a session's last change and
-- the client it was opened from (address and user agent, as better-auth records them).
ALTER TABLE accounts
    ADD COLUMN image      text,
    ADD COLUMN updated_at timestamptz;
UPDATE accounts SET updated_at = created_at;
ALTER TABLE accounts
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE sessions
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN ip_address text,
    ADD COLUMN user_agent text;
UPDATE sessions SET updated_at = created_at;
ALTER TABLE sessions
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL;
