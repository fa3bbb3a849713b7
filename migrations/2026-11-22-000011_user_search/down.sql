DROP INDEX users_search_trgm_idx;
ALTER TABLE users DROP COLUMN search;
DROP EXTENSION IF EXISTS pg_trgm;
