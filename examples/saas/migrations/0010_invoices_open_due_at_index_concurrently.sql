-- drydock:no-transaction
--
-- Index for the dunning job that arrived after launch: it scans open invoices past their due
-- date across all tenants, and without this index that is a full scan of the invoice history
-- every few minutes. Invoices are written continuously in production, so the index is built
-- CONCURRENTLY (no lock that blocks writes), which must run outside a transaction block.
-- IF NOT EXISTS makes a re-run safe; note that a failed concurrent build leaves an INVALID
-- index behind, which must be dropped before retrying (IF NOT EXISTS would skip it).
--
-- Partial: only 'open' invoices are ever scanned, a small slice of the table.
-- One statement per no-transaction file: a runner that sends the whole file at once gets an
-- implicit transaction block, and CONCURRENTLY refuses to run inside one.
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_open_due_at_idx
  ON public.invoices (due_at)
  WHERE status = 'open';
