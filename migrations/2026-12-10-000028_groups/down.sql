CREATE OR REPLACE FUNCTION events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are never changed (event %)', OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER users_leave_projects ON users;
DROP FUNCTION users_leave_projects();
-- NOT VALID: rows may name users deleted since.
ALTER TABLE artifacts ADD CONSTRAINT artifacts_created_by_fkey
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id) NOT VALID;
ALTER TABLE projects ADD CONSTRAINT projects_created_by_fkey
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id) NOT VALID;
DROP TABLE org_group_members;
DROP TABLE org_groups;
