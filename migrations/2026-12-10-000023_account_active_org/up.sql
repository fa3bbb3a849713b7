-- The org an account last chose (organization/set-active, or sign-in when it had exactly
-- one): a new session opens there, never implicitly in an org the account has not used.
ALTER TABLE accounts
    ADD COLUMN active_org_id text REFERENCES orgs (id) ON DELETE SET NULL;
-- An org's deletion clears the choices that pointed at it.
CREATE INDEX accounts_active_org_idx ON accounts (active_org_id) WHERE active_org_id IS NOT NULL;
