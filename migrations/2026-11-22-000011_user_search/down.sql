DROP INDEX users_search_trgm_idx;
ALTER TABLE users DROP COLUMN search;
-- pg_trgm stays: migration 2026-11-22-000005_external_users creates it (when absent) and
-- its down.sql drops it, after the external users' trigram indexes are gone.
