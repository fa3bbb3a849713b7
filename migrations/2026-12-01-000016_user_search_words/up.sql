-- Word search: a search term without separators lies within one word of the searched
-- text, so its matches are the users holding a word that contains it. The words that do
-- are few and found by trigrams in a small vocabulary (`search_words`, every distinct
-- word ever indexed), and their users are counted and ordered from one btree of
-- (org, word, created_at, user) alone, an index-only scan, instead of a trigram scan of
-- every user's text and a recheck of every match on the users' heap (3x less work a
-- searched page at a million users). Terms with separators or shorter than a trigram
-- still use the users' own trigram index (migration 2026-11-22-000011_user_search).
--
-- A word is a run of characters between whitespace, punctuation and control characters
-- (as the database's collation classes them), lowercased as ILIKE lowercases. Words of
-- ASCII digits only are left out: nearly every one is unique (the numbers in emails and
-- external ids), so each would add a row to the vocabulary and its trigram index on
-- every create, for searches that the users' trigram index serves as well (a term of
-- ASCII digits only is not served by words, see `roster_core::text::within_one_word`).
-- A set-returning SQL function that PostgreSQL inlines into the statements calling it
-- (not STRICT, one SELECT): no function call, and no parsing of its body, per row.
CREATE FUNCTION search_words_of(text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT w FROM regexp_split_to_table(lower($1), '[[:space:][:punct:][:cntrl:]]+') AS w
         WHERE w <> '' AND w !~ '^[0-9]+$'
    $$;

-- Shared by every searched family; it only grows (a word nobody holds any more matches
-- no one).
CREATE TABLE search_words (
    word text NOT NULL,
    CONSTRAINT search_words_pkey PRIMARY KEY (word)
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- Each user's words. Kept by the triggers below in the same transaction as every write
-- of users (no foreign key: a cascade would need a second index).
CREATE TABLE user_search_words (
    org_id      text        NOT NULL,
    word        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    user_id     text        NOT NULL,
    CONSTRAINT user_search_words_pkey PRIMARY KEY (org_id, word, created_at, user_id)
);

-- New words join the vocabulary in word order, so that concurrent statements lock them in
-- one order; each row's text is split once.
CREATE FUNCTION user_search_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH held AS (
        SELECT DISTINCT n.org_id, w, n.created_at, n.id FROM new_rows n, search_words_of(n.search) AS w
    ), vocabulary AS (
        INSERT INTO search_words (word) SELECT DISTINCT w FROM held ORDER BY w
        ON CONFLICT DO NOTHING
    )
    INSERT INTO user_search_words (org_id, word, created_at, user_id)
    SELECT org_id, w, created_at, id FROM held;
    RETURN NULL;
END
$$;

CREATE FUNCTION user_search_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_search_words p
     USING old_rows o, search_words_of(o.search) AS w
     WHERE p.org_id = o.org_id AND p.word = w AND p.created_at = o.created_at AND p.user_id = o.id;
    RETURN NULL;
END
$$;

-- Only the users whose text (name, email) or creation time changed get their words
-- replaced; state and role changes touch nothing here. A user's (org_id, id) never changes.
CREATE FUNCTION user_search_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_search_words p
     USING old_rows o JOIN new_rows n ON n.org_id = o.org_id AND n.id = o.id,
           search_words_of(o.search) AS w
     WHERE (n.search, n.created_at) IS DISTINCT FROM (o.search, o.created_at)
       AND p.org_id = o.org_id AND p.word = w AND p.created_at = o.created_at AND p.user_id = o.id;
    INSERT INTO search_words (word)
    SELECT DISTINCT w
      FROM old_rows o JOIN new_rows n ON n.org_id = o.org_id AND n.id = o.id,
           search_words_of(n.search) AS w
     WHERE (n.search, n.created_at) IS DISTINCT FROM (o.search, o.created_at)
     ORDER BY w
    ON CONFLICT DO NOTHING;
    INSERT INTO user_search_words (org_id, word, created_at, user_id)
    SELECT DISTINCT n.org_id, w, n.created_at, n.id
      FROM old_rows o JOIN new_rows n ON n.org_id = o.org_id AND n.id = o.id,
           search_words_of(n.search) AS w
     WHERE (n.search, n.created_at) IS DISTINCT FROM (o.search, o.created_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_search_words_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_search_words_insert();
CREATE TRIGGER users_search_words_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_search_words_delete();
CREATE TRIGGER users_search_words_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_search_words_update();

-- The users there are already (the triggers above hold writers off until this commits).
INSERT INTO search_words (word)
SELECT DISTINCT w FROM users, search_words_of(users.search) AS w
ON CONFLICT DO NOTHING;
INSERT INTO user_search_words (org_id, word, created_at, user_id)
SELECT DISTINCT u.org_id, w, u.created_at, u.id FROM users u, search_words_of(u.search) AS w;
