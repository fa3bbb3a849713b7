ALTER TABLE sessions DROP COLUMN user_agent, DROP COLUMN ip_address, DROP COLUMN updated_at;
ALTER TABLE accounts DROP COLUMN updated_at, DROP COLUMN image;
