-- drydock:expect-rows public.customers -any
--
-- Remove the QA test accounts that came with the import.
--
-- BROKEN (on purpose): their invoices (A-9001, G-9001) are not deleted. Nothing stops it yet,
-- because invoices.customer_id has no foreign key until 0003, so two invoices now point at
-- customers that no longer exist. The fix is to delete the invoices first:
--   DELETE FROM public.invoices WHERE customer_id IN (SELECT id FROM public.customers WHERE email LIKE '%.invalid');
DELETE FROM public.customers WHERE email LIKE '%.invalid';
