DROP TABLE IF EXISTS public.tasks;
