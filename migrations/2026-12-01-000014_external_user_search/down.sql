CREATE INDEX external_users_name_trgm ON external_users USING gin (name gin_trgm_ops);
CREATE INDEX external_users_identifier_trgm ON external_users USING gin (identifier gin_trgm_ops);
CREATE INDEX external_users_external_id_trgm ON external_users USING gin (external_id gin_trgm_ops);
DROP INDEX external_users_search_trgm_idx;
ALTER TABLE external_users DROP COLUMN search;
