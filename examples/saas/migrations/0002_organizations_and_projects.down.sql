-- Triggers and indexes go with their tables; projects first because it references organizations.
DROP TABLE IF EXISTS public.projects;
DROP TABLE IF EXISTS public.organizations;
