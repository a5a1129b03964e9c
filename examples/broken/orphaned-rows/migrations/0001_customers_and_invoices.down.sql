DROP TABLE IF EXISTS public.invoices;
DROP TABLE IF EXISTS public.customers;
DROP TABLE IF EXISTS public.organizations;
