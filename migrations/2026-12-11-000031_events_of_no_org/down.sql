-- Events of no org have no place once org_id is required again: they go.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_fkey;
DELETE FROM events WHERE org_id IS NULL;
DROP INDEX events_no_org_id_key;
ALTER TABLE events DROP CONSTRAINT events_org_id_id_key;
ALTER TABLE events ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (org_id, id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_fkey
    FOREIGN KEY (org_id, event_id) REFERENCES events (org_id, id) ON DELETE CASCADE;
