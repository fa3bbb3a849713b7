DROP FUNCTION users_add_many_with_accounts(text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], timestamptz[]);
DROP FUNCTION users_add_with_account(text, text, text, text, text, text, text, text, text, text, text, timestamptz);

DROP INDEX external_users_identifier_idx;
CREATE INDEX external_users_identifier_idx ON external_users (workspace_id, lower(identifier));
DROP INDEX external_users_channel_identifier_key;
CREATE UNIQUE INDEX external_users_channel_identifier_key
    ON external_users (workspace_id, channel_id, lower(identifier));
ALTER TABLE external_users DROP COLUMN identifier_key;

DROP INDEX users_org_email_key;
CREATE UNIQUE INDEX users_org_email_key ON users (org_id, lower(email));
ALTER TABLE users DROP COLUMN email_key;

DROP INDEX accounts_email_key;
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
ALTER TABLE accounts DROP COLUMN email_key;

DROP TABLE identity_key_folding;
CREATE FUNCTION users_add_with_account(
    p_org_id text, p_user_id text, p_account_id text, p_email text, p_name text,
    p_given_name text, p_family_name text, p_job_position_name text,
    p_job_position_description text, p_role text, p_at timestamptz
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_account_id text;
BEGIN
    INSERT INTO accounts AS a (id, email, name, created_at)
    VALUES (p_account_id, p_email, p_name, p_at)
    ON CONFLICT ((lower(email))) DO UPDATE SET email = a.email
    RETURNING a.id INTO v_account_id;
    INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                       job_position_name, job_position_description, state, role,
                       created_at, updated_at)
    VALUES (p_org_id, p_user_id, v_account_id, p_name, p_given_name, p_family_name, p_email,
            p_job_position_name, p_job_position_description, 'Active', p_role, p_at, p_at);
    RETURN v_account_id;
END
$$;

CREATE FUNCTION users_add_many_with_accounts(
    p_org_ids text[], p_user_ids text[], p_account_ids text[], p_emails text[],
    p_names text[], p_given_names text[], p_family_names text[],
    p_job_position_names text[], p_job_position_descriptions text[], p_roles text[],
    p_ats timestamptz[]
) RETURNS TABLE (added_user_id text, added_account_id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT i.*
          FROM unnest(p_org_ids, p_user_ids, p_account_ids, p_emails, p_names, p_given_names,
                      p_family_names, p_job_position_names, p_job_position_descriptions,
                      p_roles, p_ats)
            AS i(org_id, user_id, account_id, email, name, given_name, family_name,
                 job_position_name, job_position_description, role, at)
    ), found AS (
        INSERT INTO accounts AS a (id, email, name, created_at)
        SELECT i.account_id, i.email, i.name, i.at FROM input i ORDER BY lower(i.email)
        ON CONFLICT ((lower(email))) DO UPDATE SET email = a.email
        RETURNING a.id, lower(a.email) AS email_key
    ), added AS (
        INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                           job_position_name, job_position_description, state, role,
                           created_at, updated_at)
        SELECT i.org_id, i.user_id, f.id, i.name, i.given_name, i.family_name, i.email,
               i.job_position_name, i.job_position_description, 'Active', i.role, i.at, i.at
          FROM input i JOIN found f ON f.email_key = lower(i.email)
        RETURNING users.id, users.account_id
    )
    SELECT added.id, added.account_id FROM added;
END
$$;
