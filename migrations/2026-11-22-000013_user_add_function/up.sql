-- Adds a user whose account is found, or created, by email, in one call: one round trip,
-- and plans that PostgreSQL keeps per connection (the same writable CTE sent as SQL text
-- would be parsed and planned on every create). Unique violations raised inside keep
-- their constraint names, which the caller maps to 409s.
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
