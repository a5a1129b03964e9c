-- Remove exactly what the up imported (members first: they reference the organizations).
DELETE FROM public.members
 WHERE org_id IN (SELECT id FROM public.organizations WHERE slug IN ('acme', 'northwind'));
DELETE FROM public.organizations WHERE slug IN ('acme', 'northwind');
