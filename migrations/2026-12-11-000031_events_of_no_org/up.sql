-- Events of no org: what an account that is a user of no org does (its sign-up, its
-- sessions, its settings) is an event too, with org_id NULL. No org's audit log shows it
-- and no webhook delivers it (endpoints belong to orgs); the operator reads them with
-- `roster-gateway audit-events` (docs/events.md).
--
-- A primary key allows no NULL: (org_id, id) becomes a unique constraint (which still
-- serves the deliveries' foreign key and the audit log), and an event of no org is unique
-- by its id alone.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ALTER COLUMN org_id DROP NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_org_id_id_key UNIQUE (org_id, id);
CREATE UNIQUE INDEX events_no_org_id_key ON events (id) WHERE org_id IS NULL;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_fkey
    FOREIGN KEY (org_id, event_id) REFERENCES events (org_id, id) ON DELETE CASCADE;
