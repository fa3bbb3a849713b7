-- Word search of external users, as App users' (migration
-- 2026-12-01-000016_user_search_words, whose vocabulary `search_words` and
-- `search_words_of` it shares): each external user's words (of its name, identifier and
-- external id) with its creation time, in one btree per workspace that also carries the
-- channel, so that a search within one word, filtered by channels or not, is counted and
-- ordered from the index alone. Other filters (tiers, groups, super identities) are
-- checked on the matching users.
CREATE TABLE external_user_search_words (
    workspace_id  uuid        NOT NULL,
    word          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    user_id       uuid        NOT NULL,
    channel_id    uuid        NOT NULL,
    CONSTRAINT external_user_search_words_pkey
        PRIMARY KEY (workspace_id, word, created_at, user_id) INCLUDE (channel_id)
);

CREATE FUNCTION external_user_search_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH held AS (
        SELECT DISTINCT n.workspace_id, w, n.created_at, n.id, n.channel_id
          FROM new_rows n, search_words_of(n.search) AS w
    ), vocabulary AS (
        INSERT INTO search_words (word) SELECT DISTINCT w FROM held ORDER BY w
        ON CONFLICT DO NOTHING
    )
    INSERT INTO external_user_search_words (workspace_id, word, created_at, user_id, channel_id)
    SELECT workspace_id, w, created_at, id, channel_id FROM held;
    RETURN NULL;
END
$$;

CREATE FUNCTION external_user_search_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM external_user_search_words p
     USING old_rows o, search_words_of(o.search) AS w
     WHERE p.workspace_id = o.workspace_id AND p.word = w
       AND p.created_at = o.created_at AND p.user_id = o.id;
    RETURN NULL;
END
$$;

-- Only the users whose text, creation time or channel changed get their words replaced;
-- a user's (workspace_id, id) never changes.
CREATE FUNCTION external_user_search_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM external_user_search_words p
     USING old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id,
           search_words_of(o.search) AS w
     WHERE (n.search, n.created_at, n.channel_id) IS DISTINCT FROM (o.search, o.created_at, o.channel_id)
       AND p.workspace_id = o.workspace_id AND p.word = w
       AND p.created_at = o.created_at AND p.user_id = o.id;
    INSERT INTO search_words (word)
    SELECT DISTINCT w
      FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id,
           search_words_of(n.search) AS w
     WHERE (n.search, n.created_at, n.channel_id) IS DISTINCT FROM (o.search, o.created_at, o.channel_id)
     ORDER BY w
    ON CONFLICT DO NOTHING;
    INSERT INTO external_user_search_words (workspace_id, word, created_at, user_id, channel_id)
    SELECT DISTINCT n.workspace_id, w, n.created_at, n.id, n.channel_id
      FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id,
           search_words_of(n.search) AS w
     WHERE (n.search, n.created_at, n.channel_id) IS DISTINCT FROM (o.search, o.created_at, o.channel_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER external_users_search_words_insert AFTER INSERT ON external_users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_search_words_insert();
CREATE TRIGGER external_users_search_words_delete AFTER DELETE ON external_users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_search_words_delete();
CREATE TRIGGER external_users_search_words_update AFTER UPDATE ON external_users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_search_words_update();

-- The external users there are already (the triggers above hold writers off until this
-- commits).
INSERT INTO search_words (word)
SELECT DISTINCT w FROM external_users, search_words_of(external_users.search) AS w
ON CONFLICT DO NOTHING;
INSERT INTO external_user_search_words (workspace_id, word, created_at, user_id, channel_id)
SELECT DISTINCT u.workspace_id, w, u.created_at, u.id, u.channel_id
  FROM external_users u, search_words_of(u.search) AS w;
