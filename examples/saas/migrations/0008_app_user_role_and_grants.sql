-- The role the application's connection pool switches to for tenant requests. It owns
-- nothing and gets exactly the rights the API needs; RLS (0009) narrows them to one tenant.
--
-- Roles are cluster-wide, so creation is idempotent: another database on the same server
-- (a staging copy, a rehearsal sandbox) may already have created it. NOLOGIN because the
-- application logs in as its own role and is granted membership by ops
-- (GRANT app_user TO <login role>), which keeps passwords out of migrations.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user NOLOGIN;
  END IF;
END;
$$;

GRANT USAGE ON SCHEMA public, platform TO app_user;

-- Tenants manage their own projects, members, sessions and keys.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.projects, public.users, public.sessions, public.api_keys TO app_user;
-- An organization row is created by signup (platform side) and may only be renamed by the tenant.
GRANT SELECT, UPDATE (name) ON public.organizations TO app_user;
-- Billing and audit data are written by the platform only; tenants read them.
GRANT SELECT ON public.subscriptions, public.invoices, public.audit_logs, public.active_subscriptions TO app_user;
-- The plan catalogue is public information (pricing page).
GRANT SELECT ON platform.plans TO app_user;

GRANT EXECUTE ON FUNCTION platform.create_api_key(bigint, text, bigint, bigint, text[], timestamptz) TO app_user;
GRANT EXECUTE ON FUNCTION platform.verify_api_key(text) TO app_user;

-- Deliberately not granted: platform.databases and its decrypt function, which only the
-- platform's own services use.
