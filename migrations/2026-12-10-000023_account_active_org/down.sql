ALTER TABLE accounts DROP COLUMN active_org_id;
