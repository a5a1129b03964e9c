REVOKE SELECT, INSERT, UPDATE, DELETE ON public.projects, public.tasks FROM tracker_app;
REVOKE SELECT ON public.organizations FROM tracker_app;
REVOKE USAGE ON SCHEMA public FROM tracker_app;

-- Roles are cluster-wide: drop tracker_app only if no other database still depends on it, so
-- rolling back one copy cannot break its neighbours on the same server.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tracker_app') THEN
    DROP ROLE tracker_app;
  END IF;
EXCEPTION
  WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role tracker_app kept: another database still uses it';
END;
$$;
