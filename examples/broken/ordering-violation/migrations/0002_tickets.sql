-- Support tickets, opened by a customer of the tenant.
--
-- BROKEN (on purpose): tickets.customer_id references public.customers, which migration 0003
-- creates. The two were written on separate branches; on the author's database customers
-- already existed, so it worked there. Replayed in order, this migration runs first and fails
-- with 42P01 (relation "public.customers" does not exist). Fix: renumber 0003 before 0002.
CREATE TABLE public.tickets (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  customer_id  bigint NOT NULL REFERENCES public.customers (id),
  subject      text NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- The ticket queue is "open tickets of one tenant, oldest first"; it also serves the org_id FK.
CREATE INDEX tickets_org_id_status_created_at_idx ON public.tickets (org_id, status, created_at);
CREATE INDEX tickets_customer_id_idx ON public.tickets (customer_id);
