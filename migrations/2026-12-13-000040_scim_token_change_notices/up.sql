-- Every change to scim_tokens (a token revoked, an org deleted with its tokens) is announced
-- on the channel roster_scim_token_changed at commit, payload the org's id, or '*' when a
-- statement touched many orgs: the gateways drop the SCIM tokens they cached for those orgs
-- (bins/gateway/src/scim_clients.rs), so that no replica keeps accepting a revoked token.
CREATE FUNCTION scim_tokens_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(DISTINCT org_id) FROM old_rows) > 100 THEN
        PERFORM pg_notify('roster_scim_token_changed', '*');
    ELSE
        PERFORM pg_notify('roster_scim_token_changed', org_id)
        FROM (SELECT DISTINCT org_id FROM old_rows) AS orgs;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER scim_tokens_notify_update AFTER UPDATE ON scim_tokens
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scim_tokens_notify_change();
CREATE TRIGGER scim_tokens_notify_delete AFTER DELETE ON scim_tokens
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scim_tokens_notify_change();
