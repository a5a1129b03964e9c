DROP TABLE IF EXISTS public.tickets;
