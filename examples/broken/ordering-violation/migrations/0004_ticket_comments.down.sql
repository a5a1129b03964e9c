DROP TABLE IF EXISTS public.ticket_comments;
