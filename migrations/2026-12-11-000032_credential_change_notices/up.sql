-- Every change to sessions and API tokens (sign-out, a session or token revoked, a reset or
-- reclaim that ends them all, a session's active org changed, an account deleted) is
-- announced on the channel roster_credential_changed at commit, payload the account's id,
-- or '*' when a statement touched many accounts: the gateways drop the credentials they
-- cached for those accounts (bins/gateway/src/credentials.rs), so that no replica keeps
-- accepting a revoked credential.
CREATE FUNCTION credentials_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(DISTINCT account_id) FROM old_rows) > 100 THEN
        PERFORM pg_notify('roster_credential_changed', '*');
    ELSE
        PERFORM pg_notify('roster_credential_changed', account_id)
        FROM (SELECT DISTINCT account_id FROM old_rows) AS accounts;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_notify_change();
CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_notify_change();
CREATE TRIGGER api_tokens_notify_update AFTER UPDATE ON api_tokens
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_notify_change();
CREATE TRIGGER api_tokens_notify_delete AFTER DELETE ON api_tokens
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_notify_change();
