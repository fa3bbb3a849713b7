-- Substring search of users (case-insensitive, on name or email) through trigram
-- indexes. They do not lead with org_id, unlike the list indexes: a GIN index is not
-- ordered, and a leading btree_gin org_id key made every search read the org's whole
-- posting list (30 ms instead of 0.5 ms at a million users); the org is checked on the
-- few rows the trigrams find. pg_trgm is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);
