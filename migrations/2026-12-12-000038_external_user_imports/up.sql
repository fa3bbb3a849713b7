-- Bulk imports of a workspace's external users (`POST /api/v1/external-user-imports`) share
-- the table of an org's user imports: such an import names its workspace (an org's user
-- imports have none), and each of its refused lines the external user's keys.
ALTER TABLE user_imports
    ADD COLUMN workspace_id uuid REFERENCES external_workspaces (id) ON DELETE CASCADE;
ALTER TABLE user_import_errors
    ADD COLUMN external_id text,
    ADD COLUMN identifier  text;
