-- Per-org user counts by state and role, so that the total_count of a user list that is
-- unfiltered or filtered by state and role is a sum over a few dozen rows instead of a
-- count over every user of the org. Statement-level triggers keep them exact in the same
-- transaction as every insert, delete and update of users. Each count is striped over 16
-- rows, picked by backend, so that concurrent creates in one org do not queue on one row.
-- A stripe is an integer (sum() of integers is a bigint, which diesel reads as is).
CREATE TABLE user_counts (
    org_id  text     NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    state   text     NOT NULL,
    role    text     NOT NULL,
    stripe  smallint NOT NULL,
    n       integer  NOT NULL,
    CONSTRAINT user_counts_pkey PRIMARY KEY (org_id, state, role, stripe)
);

CREATE FUNCTION user_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows ordered by key so that concurrent statements lock counters in one order.
    -- Deletes cascading from a deleted org skip it: its counters go with it.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO user_counts AS c (org_id, state, role, stripe, n)
        SELECT org_id, state, role, (pg_backend_pid() % 16)::smallint, count(*)
          FROM new_rows GROUP BY org_id, state, role ORDER BY org_id, state, role
        ON CONFLICT (org_id, state, role, stripe) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO user_counts AS c (org_id, state, role, stripe, n)
        SELECT org_id, state, role, (pg_backend_pid() % 16)::smallint, -count(*)
          FROM old_rows WHERE EXISTS (SELECT 1 FROM orgs WHERE orgs.id = old_rows.org_id)
         GROUP BY org_id, state, role ORDER BY org_id, state, role
        ON CONFLICT (org_id, state, role, stripe) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO user_counts AS c (org_id, state, role, stripe, n)
        SELECT org_id, state, role, (pg_backend_pid() % 16)::smallint, sum(delta)
          FROM (SELECT org_id, state, role, 1 AS delta FROM new_rows
                UNION ALL
                SELECT org_id, state, role, -1 FROM old_rows) AS d
         GROUP BY org_id, state, role HAVING sum(delta) <> 0 ORDER BY org_id, state, role
        ON CONFLICT (org_id, state, role, stripe) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_count_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER users_count_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER users_count_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();

-- The users there are already (the triggers above hold writers off until this commits).
INSERT INTO user_counts (org_id, state, role, stripe, n)
SELECT org_id, state, role, 0, count(*) FROM users GROUP BY org_id, state, role;
