-- A metadata filter's page and exact total without visiting every match: each pair of a
-- user's metadata is a row of one btree of (org, key, value, created_at, user), so that
-- the users holding a pair are counted by an index-only scan and paged in the list's order
-- by walking it, reading only the page's users. The GIN index on `users.metadata`
-- (migration 000036) is lossy (`jsonb_path_ops` hashes): its count rechecks every match
-- on the users' heap, 1,000 random visits for a pair on 0.1% of a million users (p50
-- 87.9 ms under the bench's load, docs/performance.md). Values are strings (checked in
-- Rust), so a pair held is exactly `metadata @> {key: value}`.
CREATE TABLE user_metadata_pairs (
    org_id      text        NOT NULL,
    key         text        NOT NULL,
    value       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    user_id     text        NOT NULL,
    CONSTRAINT user_metadata_pairs_pkey PRIMARY KEY (org_id, key, value, created_at, user_id)
);

-- Kept by the row triggers below in the same transaction as every write of users (no
-- foreign key: a cascade would need a second index). A user's (org_id, id) never changes.
CREATE FUNCTION user_metadata_pairs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM user_metadata_pairs p
         USING jsonb_each_text(OLD.metadata) AS e
         WHERE p.org_id = OLD.org_id AND p.key = e.key AND p.value = e.value
           AND p.created_at = OLD.created_at AND p.user_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO user_metadata_pairs (org_id, key, value, created_at, user_id)
        SELECT NEW.org_id, e.key, e.value, NEW.created_at, NEW.id
          FROM jsonb_each_text(NEW.metadata) AS e;
    END IF;
    RETURN NULL;
END
$$;

-- Row triggers with a WHEN: a write of a user without metadata (most creates, every state
-- or role change) calls nothing.
CREATE TRIGGER users_metadata_pairs_insert AFTER INSERT ON users
    FOR EACH ROW WHEN (NEW.metadata <> '{}')
    EXECUTE FUNCTION user_metadata_pairs_sync();
CREATE TRIGGER users_metadata_pairs_update AFTER UPDATE ON users
    FOR EACH ROW WHEN ((NEW.metadata, NEW.created_at) IS DISTINCT FROM (OLD.metadata, OLD.created_at))
    EXECUTE FUNCTION user_metadata_pairs_sync();
CREATE TRIGGER users_metadata_pairs_delete AFTER DELETE ON users
    FOR EACH ROW WHEN (OLD.metadata <> '{}')
    EXECUTE FUNCTION user_metadata_pairs_sync();

-- The users there are already (the triggers above hold writers off until this commits).
INSERT INTO user_metadata_pairs (org_id, key, value, created_at, user_id)
SELECT u.org_id, e.key, e.value, u.created_at, u.id
  FROM users u, jsonb_each_text(u.metadata) AS e
 WHERE u.metadata <> '{}';
