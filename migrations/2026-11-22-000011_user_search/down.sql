DROP INDEX users_org_email_trgm_idx;
DROP INDEX users_org_name_trgm_idx;
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS pg_trgm;
