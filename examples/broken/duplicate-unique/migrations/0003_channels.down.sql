DROP TABLE IF EXISTS public.channels;
