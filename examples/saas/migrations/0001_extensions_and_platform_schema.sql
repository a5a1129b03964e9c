-- Foundation for everything that follows.
--
-- pgcrypto gives us bcrypt for API keys, SHA-256 for session tokens and pgp_sym_encrypt for
-- the connection strings of external databases. It is pinned to `public` so that every later
-- function can reference it with a fixed search_path instead of whatever the caller has set.
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

-- `platform` holds what the operator owns and tenants never write: the plan catalogue, the
-- registry of external databases and the security-sensitive functions. Tenant data lives in
-- `public`, which is the schema RLS is enforced on.
CREATE SCHEMA platform;

COMMENT ON SCHEMA platform IS 'Operator-owned objects: catalogues, registries and security functions. Not tenant-scoped.';

-- One shared trigger function instead of a copy per table, so the behaviour cannot drift.
CREATE FUNCTION platform.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
