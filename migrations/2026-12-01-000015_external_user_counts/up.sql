-- External users per (workspace, channel, tier, group), so that the total of a list that
-- is unsearched and filtered only by channels, tiers and groups is a sum over a few rows
-- instead of a count over every external user of the workspace. Statement-level triggers
-- keep them exact in the same transaction as every insert, delete and update of
-- external_users, including the updates that ON DELETE SET NULL makes when a tier or a
-- group is deleted. Each count is striped over 16 rows, picked by backend, so that
-- concurrent creates in one workspace do not queue on one row (as user_counts, migration
-- 2026-11-22-000010_user_counters). Only the workspace is a foreign key: a row of a
-- deleted tier or group stays behind at 0, as the SET NULL moved its users away.
CREATE TABLE external_user_counts (
    workspace_id            uuid     NOT NULL REFERENCES external_workspaces (id) ON DELETE CASCADE,
    channel_id              uuid     NOT NULL,
    tier_id                 uuid,
    external_user_group_id  uuid,
    stripe                  smallint NOT NULL,
    n                       integer  NOT NULL,
    -- Tier and group may be NULL (no primary key then): NULLS NOT DISTINCT makes "no tier"
    -- one key, which ON CONFLICT finds, instead of a new row per insert.
    CONSTRAINT external_user_counts_key UNIQUE NULLS NOT DISTINCT
        (workspace_id, channel_id, tier_id, external_user_group_id, stripe)
);

CREATE FUNCTION external_user_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows ordered by key so that concurrent statements lock counters in one order.
    -- Deletes and SET NULLs cascading from a deleted workspace skip it: its counters go
    -- with it.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO external_user_counts AS c
               (workspace_id, channel_id, tier_id, external_user_group_id, stripe, n)
        SELECT workspace_id, channel_id, tier_id, external_user_group_id,
               (pg_backend_pid() % 16)::smallint, count(*)
          FROM new_rows
         GROUP BY workspace_id, channel_id, tier_id, external_user_group_id
         ORDER BY workspace_id, channel_id, tier_id, external_user_group_id
        ON CONFLICT ON CONSTRAINT external_user_counts_key DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO external_user_counts AS c
               (workspace_id, channel_id, tier_id, external_user_group_id, stripe, n)
        SELECT workspace_id, channel_id, tier_id, external_user_group_id,
               (pg_backend_pid() % 16)::smallint, -count(*)
          FROM old_rows
         WHERE EXISTS (SELECT 1 FROM external_workspaces w WHERE w.id = old_rows.workspace_id)
         GROUP BY workspace_id, channel_id, tier_id, external_user_group_id
         ORDER BY workspace_id, channel_id, tier_id, external_user_group_id
        ON CONFLICT ON CONSTRAINT external_user_counts_key DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO external_user_counts AS c
               (workspace_id, channel_id, tier_id, external_user_group_id, stripe, n)
        SELECT workspace_id, channel_id, tier_id, external_user_group_id,
               (pg_backend_pid() % 16)::smallint, sum(delta)
          FROM (SELECT workspace_id, channel_id, tier_id, external_user_group_id, 1 AS delta
                  FROM new_rows
                UNION ALL
                SELECT workspace_id, channel_id, tier_id, external_user_group_id, -1
                  FROM old_rows) AS d
         WHERE EXISTS (SELECT 1 FROM external_workspaces w WHERE w.id = d.workspace_id)
         GROUP BY workspace_id, channel_id, tier_id, external_user_group_id
        HAVING sum(delta) <> 0
         ORDER BY workspace_id, channel_id, tier_id, external_user_group_id
        ON CONFLICT ON CONSTRAINT external_user_counts_key DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER external_users_count_insert AFTER INSERT ON external_users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_counts_apply();
CREATE TRIGGER external_users_count_delete AFTER DELETE ON external_users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_counts_apply();
CREATE TRIGGER external_users_count_update AFTER UPDATE ON external_users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION external_user_counts_apply();

-- The external users there are already (the triggers above hold writers off until this
-- commits).
INSERT INTO external_user_counts
       (workspace_id, channel_id, tier_id, external_user_group_id, stripe, n)
SELECT workspace_id, channel_id, tier_id, external_user_group_id, 0, count(*)
  FROM external_users
 GROUP BY workspace_id, channel_id, tier_id, external_user_group_id;
