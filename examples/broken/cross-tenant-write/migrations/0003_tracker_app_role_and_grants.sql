-- The role the application switches to for tenant requests:
--   SET LOCAL ROLE tracker_app; SET LOCAL app.current_org_id = '42';
-- Roles are cluster-wide, so it is created only if missing (another database on the same
-- server may have created it), and a concurrent creation of the same name is tolerated.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tracker_app') THEN
    CREATE ROLE tracker_app NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END;
$$;

GRANT USAGE ON SCHEMA public TO tracker_app;
GRANT SELECT ON public.organizations TO tracker_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.projects, public.tasks TO tracker_app;
