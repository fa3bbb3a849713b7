-- Metadata on Stripe's model (roster_core::metadata): a client's own key-value pairs on
-- App users, external users and external-user groups, as a jsonb object that is never
-- null. The keys, values and their bounds are checked in Rust; the database keeps the
-- count (a merge may add keys to those there) and the shape.
--
-- Lists filter with `metadata @> '{"key": "value"}'` on a GIN index (jsonb_path_ops:
-- containment only, smaller than the default operator class), with the small pending
-- list of the other GIN indexes that every create writes (migration 000019).

CREATE FUNCTION metadata_valid(m jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_typeof(m) = 'object'
       AND (SELECT count(*) FROM jsonb_object_keys(m)) <= 50
$$;

-- A write's new metadata: replaced (`replace`) or merged, `set` added, `remove` removed.
-- Computed from the row's own value in the UPDATE, so that two merges at once both land.
CREATE FUNCTION metadata_apply(current jsonb, replace boolean, set jsonb, remove text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((CASE WHEN replace THEN '{}'::jsonb ELSE current END) || set) - remove
$$;

ALTER TABLE users ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT users_metadata_keys CHECK (metadata_valid(metadata));
CREATE INDEX users_metadata_idx ON users USING gin (metadata jsonb_path_ops)
    WITH (gin_pending_list_limit = 64);

ALTER TABLE external_users ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT external_users_metadata_keys CHECK (metadata_valid(metadata));
CREATE INDEX external_users_metadata_idx ON external_users USING gin (metadata jsonb_path_ops)
    WITH (gin_pending_list_limit = 64);

ALTER TABLE external_user_groups ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT external_user_groups_metadata_keys CHECK (metadata_valid(metadata));
CREATE INDEX external_user_groups_metadata_idx
    ON external_user_groups USING gin (metadata jsonb_path_ops)
    WITH (gin_pending_list_limit = 64);

-- The user-add functions take the metadata too.
DROP FUNCTION users_add_with_account(text, text, text, text, text, text, text, text, text, text, text, timestamptz);
CREATE FUNCTION users_add_with_account(
    p_org_id text, p_user_id text, p_account_id text, p_email text, p_email_key text,
    p_name text, p_given_name text, p_family_name text, p_job_position_name text,
    p_job_position_description text, p_role text, p_at timestamptz, p_metadata jsonb
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_account_id text;
BEGIN
    INSERT INTO accounts AS a (id, email, email_key, name, created_at)
    VALUES (p_account_id, p_email, p_email_key, p_name, p_at)
    ON CONFLICT (email_key) DO UPDATE SET email = a.email
    RETURNING a.id INTO v_account_id;
    INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email, email_key,
                       job_position_name, job_position_description, state, role,
                       created_at, updated_at, metadata)
    VALUES (p_org_id, p_user_id, v_account_id, p_name, p_given_name, p_family_name, p_email,
            p_email_key, p_job_position_name, p_job_position_description, 'Active', p_role,
            p_at, p_at, p_metadata);
    RETURN v_account_id;
END
$$;

DROP FUNCTION users_add_many_with_accounts(text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], timestamptz[]);
CREATE FUNCTION users_add_many_with_accounts(
    p_org_ids text[], p_user_ids text[], p_account_ids text[], p_emails text[],
    p_email_keys text[], p_names text[], p_given_names text[], p_family_names text[],
    p_job_position_names text[], p_job_position_descriptions text[], p_roles text[],
    p_ats timestamptz[], p_metadata jsonb[]
) RETURNS TABLE (added_user_id text, added_account_id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT i.*
          FROM unnest(p_org_ids, p_user_ids, p_account_ids, p_emails, p_email_keys, p_names,
                      p_given_names, p_family_names, p_job_position_names,
                      p_job_position_descriptions, p_roles, p_ats, p_metadata)
            AS i(org_id, user_id, account_id, email, email_key, name, given_name, family_name,
                 job_position_name, job_position_description, role, at, metadata)
    ), found AS (
        INSERT INTO accounts AS a (id, email, email_key, name, created_at)
        SELECT i.account_id, i.email, i.email_key, i.name, i.at FROM input i ORDER BY i.email_key
        ON CONFLICT (email_key) DO UPDATE SET email = a.email
        RETURNING a.id, a.email_key
    ), added AS (
        INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                           email_key, job_position_name, job_position_description, state,
                           role, created_at, updated_at, metadata)
        SELECT i.org_id, i.user_id, f.id, i.name, i.given_name, i.family_name, i.email,
               i.email_key, i.job_position_name, i.job_position_description, 'Active', i.role,
               i.at, i.at, i.metadata
          FROM input i JOIN found f ON f.email_key = i.email_key
        RETURNING users.id, users.account_id
    )
    SELECT added.id, added.account_id FROM added;
END
$$;
