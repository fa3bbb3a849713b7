DROP TABLE scim_tokens;
DROP INDEX users_org_external_id_idx;
DROP INDEX users_org_user_name_key;
ALTER TABLE users DROP COLUMN email_type, DROP COLUMN external_id, DROP COLUMN user_name;
