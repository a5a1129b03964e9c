DROP TABLE IF EXISTS public.members;
DROP TABLE IF EXISTS public.organizations;
