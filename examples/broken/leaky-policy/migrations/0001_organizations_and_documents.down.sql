DROP TABLE IF EXISTS public.documents;
DROP TABLE IF EXISTS public.organizations;
