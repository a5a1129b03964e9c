-- Tenant isolation in the database, not only in the application's WHERE clauses: one missing
-- filter in an API handler must not leak another tenant's rows.
--
-- Every table in `public` gets RLS. The application sets the tenant per transaction:
--   SET LOCAL ROLE app_user; SET LOCAL app.current_org_id = '42';
-- nullif(..., '') because a setting that was SET and then RESET reads back as '' (not NULL),
-- and ''::bigint would raise instead of simply matching nothing. Unset means no rows.
--
-- The owner (migrations, billing jobs, the seed) is not subject to these policies; FORCE is
-- not used because the platform's own jobs legitimately work across tenants.
-- Policies name app_user explicitly so that adding another role later never inherits tenant
-- access by accident.

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.organizations
  FOR ALL TO app_user
  USING (id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.projects
  FOR ALL TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.users
  FOR ALL TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.sessions
  FOR ALL TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.api_keys
  FOR ALL TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

-- Read-only for tenants (0008 grants only SELECT); FOR SELECT keeps it that way even if a
-- wider grant is added by mistake later.
ALTER TABLE public.subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.subscriptions
  FOR SELECT TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.invoices
  FOR SELECT TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.audit_logs
  FOR SELECT TO app_user
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);
