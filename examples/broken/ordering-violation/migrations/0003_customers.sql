-- The people who open tickets, per tenant. (Should have come before 0002: see that file.)
CREATE TABLE public.customers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  email       text NOT NULL,
  name        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Leads with org_id, so it also serves the org_id foreign key.
  CONSTRAINT customers_org_id_email_key UNIQUE (org_id, email)
);
