DROP TABLE slack_request_signatures;
ALTER TABLE slack_workspaces DROP COLUMN confirmed;
