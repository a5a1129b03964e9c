-- Revoke exactly what the up granted, in reverse.
REVOKE EXECUTE ON FUNCTION platform.verify_api_key(text) FROM app_user;
REVOKE EXECUTE ON FUNCTION platform.create_api_key(bigint, text, bigint, bigint, text[], timestamptz) FROM app_user;
REVOKE SELECT ON platform.plans FROM app_user;
REVOKE SELECT ON public.subscriptions, public.invoices, public.audit_logs, public.active_subscriptions FROM app_user;
REVOKE SELECT, UPDATE (name) ON public.organizations FROM app_user;
REVOKE SELECT, INSERT, UPDATE, DELETE ON public.projects, public.users, public.sessions, public.api_keys FROM app_user;
REVOKE USAGE ON SCHEMA public, platform FROM app_user;

-- Roles are cluster-wide: drop app_user only if no other database (or shared object) still
-- depends on it, so rolling back one copy cannot break its neighbours on the same server.
-- If it is still in use elsewhere it is left in place and the NOTICE says why.
DO $$
DECLARE
  v_elsewhere bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_user') THEN
    RETURN;
  END IF;

  SELECT count(*) INTO v_elsewhere
    FROM pg_catalog.pg_shdepend AS d
    JOIN pg_catalog.pg_roles AS r ON r.oid = d.refobjid
   WHERE d.refclassid = 'pg_catalog.pg_authid'::regclass
     AND r.rolname = 'app_user'
     AND d.dbid <> (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());

  IF v_elsewhere = 0 THEN
    DROP ROLE app_user;
  ELSE
    RAISE NOTICE 'role app_user kept: % dependencies in other databases', v_elsewhere;
  END IF;
END;
$$;
