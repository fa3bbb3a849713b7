-- Substring search of users (case-insensitive, on name or email) through trigram
-- indexes; btree_gin lets them lead with the tenant key like every list index.
-- Both extensions are trusted: an owner of the database may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX users_org_name_trgm_idx ON users USING gin (org_id, name gin_trgm_ops);
CREATE INDEX users_org_email_trgm_idx ON users USING gin (org_id, email gin_trgm_ops);
