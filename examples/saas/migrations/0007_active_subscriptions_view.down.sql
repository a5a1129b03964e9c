DROP VIEW IF EXISTS public.active_subscriptions;
