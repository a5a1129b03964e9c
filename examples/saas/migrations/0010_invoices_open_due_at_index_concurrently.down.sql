-- drydock:no-transaction
--
-- Dropped CONCURRENTLY for the same reason it was built that way: a plain DROP INDEX takes an
-- ACCESS EXCLUSIVE lock on the busy invoices table.
DROP INDEX CONCURRENTLY IF EXISTS public.invoices_open_due_at_idx;
