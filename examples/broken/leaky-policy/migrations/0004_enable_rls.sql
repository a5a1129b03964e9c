-- Tenant isolation in the database. The application sets the tenant per transaction; an unset
-- or RESET setting reads back as '' (hence nullif), which matches no tenant.

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.organizations
  FOR SELECT TO wiki_app
  USING (id = nullif(current_setting('app.current_org_id', true), '')::bigint);

-- BROKEN (on purpose): "anyone with the link can view" was written as an OR in the tenant
-- policy. The share page needed it, but the policy applies to every query of every tenant:
-- org 1 now reads org 2's link-shared documents in its own document list. The share page
-- should look the document up through a SECURITY DEFINER function that takes the link token,
-- and this policy should compare org_id only.
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.documents
  FOR ALL TO wiki_app
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint OR shared_with_link)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);

ALTER TABLE public.comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.comments
  FOR ALL TO wiki_app
  USING (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint)
  WITH CHECK (org_id = nullif(current_setting('app.current_org_id', true), '')::bigint);
