DROP TABLE IF EXISTS public.projects;
DROP TABLE IF EXISTS public.organizations;
