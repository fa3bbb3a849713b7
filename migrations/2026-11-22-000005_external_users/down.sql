DROP TABLE external_users;
DROP TABLE external_super_identities;
DROP TABLE external_user_groups;
DROP TABLE external_tiers;
DROP TABLE external_channels;
DROP TABLE external_api_keys;
DROP TABLE external_workspaces;

-- Only if up.sql created it (another migration may rely on it otherwise).
DO $$
BEGIN
    IF (SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'pg_trgm')
        = 'created by migration 2026-11-22-000005_external_users' THEN
        DROP EXTENSION pg_trgm;
    END IF;
END
$$;
