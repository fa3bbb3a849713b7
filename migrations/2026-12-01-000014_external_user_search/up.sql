-- Substring search of external users (case-insensitive, on name, identifier or external
-- id) through one trigram index over the three, joined by a unit separator (U+001F) that
-- neither the fields nor a search may contain, so that no match spans two of them. One
-- GIN scan per search instead of an OR of three (as users' `search`, migration
-- 2026-11-22-000011_user_search); the workspace and other filters are checked on the rows
-- the trigrams find.
ALTER TABLE external_users ADD COLUMN search text GENERATED ALWAYS AS (
    coalesce(name, '') || E'\x1f' || coalesce(identifier, '') || E'\x1f' || coalesce(external_id, '')
) STORED;
CREATE INDEX external_users_search_trgm_idx ON external_users USING gin (search gin_trgm_ops);
DROP INDEX external_users_name_trgm;
DROP INDEX external_users_identifier_trgm;
DROP INDEX external_users_external_id_trgm;
