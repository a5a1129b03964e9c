-- Reverse dependency order: invoices -> subscriptions -> plans -> the enum types they use.
DROP TABLE IF EXISTS public.invoices;
DROP TABLE IF EXISTS public.subscriptions;
DROP TABLE IF EXISTS platform.plans;
DROP TYPE IF EXISTS platform.subscription_status;
DROP TYPE IF EXISTS platform.plan_tier;
