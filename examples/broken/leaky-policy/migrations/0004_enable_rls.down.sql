-- RLS off before its policy goes, per table, in reverse order of the up.
ALTER TABLE public.comments DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON public.comments;

ALTER TABLE public.documents DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON public.documents;

ALTER TABLE public.organizations DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON public.organizations;
