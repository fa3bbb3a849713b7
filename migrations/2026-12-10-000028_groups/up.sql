-- Org groups and their member users; and user deletion.
--
-- A group's display_name is unique in its org whatever its case (lower(), as emails are).
-- Members are users of the same org: the foreign key names (org_id, user_id), so another
-- org's user can never be linked, and deleting a user or a group drops its memberships.

CREATE TABLE org_groups (
    org_id        text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id            text        NOT NULL,
    display_name  text        NOT NULL,
    external_id   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT org_groups_pkey PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX org_groups_org_display_name_key ON org_groups (org_id, lower(display_name));
-- The list, oldest first, and its cursor.
CREATE INDEX org_groups_org_created_idx ON org_groups (org_id, created_at, id);
CREATE INDEX org_groups_org_external_id_idx ON org_groups (org_id, external_id);
-- `search`: a case-insensitive substring of the display name.
CREATE INDEX org_groups_display_name_trgm_idx ON org_groups USING gin (display_name gin_trgm_ops);

CREATE TABLE org_group_members (
    org_id      text        NOT NULL,
    group_id    text        NOT NULL,
    user_id     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT org_group_members_pkey PRIMARY KEY (org_id, group_id, user_id),
    CONSTRAINT org_group_members_group_fkey FOREIGN KEY (org_id, group_id)
        REFERENCES org_groups (org_id, id) ON DELETE CASCADE,
    CONSTRAINT org_group_members_user_fkey FOREIGN KEY (org_id, user_id)
        REFERENCES users (org_id, id) ON DELETE CASCADE
);
-- The members of a group in the order they joined (its cursor); the groups of a user.
CREATE INDEX org_group_members_org_group_created_idx
    ON org_group_members (org_id, group_id, created_at, user_id);
CREATE INDEX org_group_members_org_user_idx ON org_group_members (org_id, user_id, group_id);

-- A deleted user's row is gone; the projects and artifacts it created keep its id in
-- `created_by` (as events keep it), which then names no user.
ALTER TABLE projects DROP CONSTRAINT projects_created_by_fkey;
ALTER TABLE artifacts DROP CONSTRAINT artifacts_created_by_fkey;

-- A user deleted from its org (`DELETE /api/v1/app/user/{id}`) leaves its projects: the
-- memberships go by their foreign key's cascade, and each project's member_count follows
-- here, before. Not when the delete is itself a cascade (an org deleted whole: its
-- projects go too).
CREATE FUNCTION users_leave_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1 THEN
        UPDATE projects p SET member_count = p.member_count - 1, updated_at = now()
          FROM project_members m
         WHERE m.org_id = OLD.org_id AND m.user_id = OLD.id
           AND p.org_id = m.org_id AND p.id = m.project_id;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER users_leave_projects BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_leave_projects();

-- Events are never changed, but for one thing: erasing a deleted user's personal data
-- (`roster_core::events::redact`), which only narrows `data` (the new data is contained
-- in the old), in a transaction that says so with `roster.erasing`.
CREATE OR REPLACE FUNCTION events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('roster.erasing', true) = 'on'
       AND (NEW.org_id, NEW.id, NEW.type, NEW.occurred_at, NEW.actor_type, NEW.actor_id,
            NEW.target_type, NEW.target_id, NEW.request_id)
           IS NOT DISTINCT FROM
           (OLD.org_id, OLD.id, OLD.type, OLD.occurred_at, OLD.actor_type, OLD.actor_id,
            OLD.target_type, OLD.target_id, OLD.request_id)
       AND OLD.data @> NEW.data THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are never changed (event %)', OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;
