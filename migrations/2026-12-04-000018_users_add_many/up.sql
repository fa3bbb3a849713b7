-- Adds several users, each with the account found or created by its email, in one call:
-- the gateway gathers the creates that wait for a writer's turn into one statement, so
-- that the statement triggers on users (counters, words) and the executor's start-up run
-- once for all of them. All or nothing: on any error (a duplicate, the same email twice
-- in the batch) the caller adds the users one by one through users_add_with_account,
-- which gives each its own answer. Accounts are upserted in email order, so that
-- concurrent batches lock existing accounts in one order. Returns each new user's id and
-- its account's id.
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
