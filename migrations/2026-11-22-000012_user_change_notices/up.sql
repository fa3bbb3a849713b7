-- Every change to users is announced on the channel roster_user_changed (at commit, as
-- NOTIFY is), payload '<org_id> <user_id>', or '*' when a statement changed many: the
-- gateways drop what they cached about those users (bins/gateway/src/principals.rs).
CREATE FUNCTION users_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM old_rows) > 100 THEN
        PERFORM pg_notify('roster_user_changed', '*');
    ELSE
        PERFORM pg_notify('roster_user_changed', org_id || ' ' || id) FROM old_rows;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_notify_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users_notify_change();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users_notify_change();
