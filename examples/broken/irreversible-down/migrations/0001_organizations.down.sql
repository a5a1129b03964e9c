DROP TABLE IF EXISTS public.organizations;
