ALTER TABLE user_import_errors DROP COLUMN identifier, DROP COLUMN external_id;
ALTER TABLE user_imports DROP COLUMN workspace_id;
