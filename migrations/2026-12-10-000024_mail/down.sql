DROP TRIGGER mail_outbox_queued ON mail_outbox;
DROP FUNCTION mail_outbox_notify();
DROP TABLE mail_links;
DROP TABLE mail_outbox;
ALTER TABLE accounts DROP COLUMN email_verified;
