DROP TABLE IF EXISTS public.comments;
