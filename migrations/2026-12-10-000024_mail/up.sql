-- Email ownership and mail: whether an account's owner proved they receive its email, the
-- durable outbox of mail (one row written in the transaction of the change that causes
-- it, sent by roster_mail::sender), and the one-use link tokens mails carry, stored as
-- SHA-256 only.

-- Sign-up and admin-added accounts start unverified. Accounts from before this migration
-- that have a password keep working as they did (verified); those without one are
-- verified when their owner sets a password through an emailed link.
ALTER TABLE accounts ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
UPDATE accounts SET email_verified = true WHERE password_hash IS NOT NULL;

-- One mail to send. `body` holds no secret: a mail with a link names the link's purpose
-- and account, and the sender makes the token when it sends (so no usable token is ever
-- at rest); `{link}` in the body is replaced by the link's URL. The body is deleted once
-- the mail is sent or given up.
CREATE TABLE mail_outbox (
    id               text        PRIMARY KEY,
    recipient        text        NOT NULL,
    subject          text        NOT NULL,
    body             text,
    link_purpose     text,
    link_account_id  text        REFERENCES accounts (id) ON DELETE CASCADE,
    link_callback    text,
    state            text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    CONSTRAINT mail_outbox_state_check CHECK (state IN ('pending', 'sent', 'failed')),
    CONSTRAINT mail_outbox_link_check CHECK (
        (link_purpose IS NULL AND link_account_id IS NULL)
        OR (link_purpose IN ('verify_email', 'reset_password') AND link_account_id IS NOT NULL))
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX mail_outbox_account_idx ON mail_outbox (link_account_id)
    WHERE link_account_id IS NOT NULL;

-- A link token a sent mail carries: SHA-256 of the token, deleted when used (once).
CREATE TABLE mail_links (
    token_hash  bytea       PRIMARY KEY,
    purpose     text        NOT NULL,
    account_id  text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    CONSTRAINT mail_links_purpose_check CHECK (purpose IN ('verify_email', 'reset_password'))
);
CREATE INDEX mail_links_account_idx ON mail_links (account_id);
CREATE INDEX mail_links_expires_idx ON mail_links (expires_at);

-- Wakes the sender after a commit that queued mail.
CREATE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('roster_mail', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify();
