REVOKE SELECT, INSERT, UPDATE, DELETE ON public.documents, public.comments FROM wiki_app;
REVOKE SELECT ON public.organizations FROM wiki_app;
REVOKE USAGE ON SCHEMA public FROM wiki_app;

-- Roles are cluster-wide: drop wiki_app only if no other database still depends on it, so
-- rolling back one copy cannot break its neighbours on the same server.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'wiki_app') THEN
    DROP ROLE wiki_app;
  END IF;
EXCEPTION
  WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role wiki_app kept: another database still uses it';
END;
$$;
