-- The list of an org's imports (`GET /api/v1/app/user-imports`), newest first, read as one
-- range of this index from its cursor.
CREATE INDEX user_imports_org_created_idx ON user_imports (org_id, created_at, id);
