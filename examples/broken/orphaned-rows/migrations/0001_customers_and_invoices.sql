-- A small invoicing app: organizations (tenants) bill their customers.
--
-- The data was moved here from the legacy billing system, which had no foreign keys; the
-- invoices -> customers key is added in 0003, once the import has been cleaned up.
CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.customers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  email       text NOT NULL,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Leads with org_id, so it also serves the org_id foreign key.
  CONSTRAINT customers_org_id_email_key UNIQUE (org_id, email)
);

CREATE TABLE public.invoices (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  customer_id  bigint NOT NULL,
  number       text NOT NULL,
  amount       numeric(12, 2) NOT NULL CHECK (amount >= 0),
  issued_on    date NOT NULL,
  CONSTRAINT invoices_org_id_number_key UNIQUE (org_id, number)
);

-- For the foreign key 0003 adds, and for "invoices of this customer".
CREATE INDEX invoices_customer_id_idx ON public.invoices (customer_id);

INSERT INTO public.organizations (slug, name) VALUES
  ('acme',   'Acme Analytics'),
  ('globex', 'Globex Logistics');

INSERT INTO public.customers (org_id, email, name)
SELECT o.id, c.email, c.name
  FROM (VALUES
    ('acme',   'billing@initech.example',  'Initech'),
    ('acme',   'ap@hooli.example',         'Hooli'),
    -- Test accounts that came along with the import.
    ('acme',   'qa+1@acme.example.invalid', 'QA test customer'),
    ('globex', 'finance@umbrella.example', 'Umbrella Corp'),
    ('globex', 'qa+2@globex.example.invalid', 'QA test customer')
  ) AS c(org_slug, email, name)
  JOIN public.organizations AS o ON o.slug = c.org_slug;

INSERT INTO public.invoices (org_id, customer_id, number, amount, issued_on)
SELECT c.org_id, c.id, i.number, i.amount, i.issued_on::date
  FROM (VALUES
    ('billing@initech.example',     'A-1001', 1200.00, '2025-01-31'),
    ('billing@initech.example',     'A-1002',  800.00, '2025-02-28'),
    ('ap@hooli.example',            'A-1003', 4500.00, '2025-02-28'),
    -- Invoices the QA team issued against the test accounts while testing the legacy system.
    ('qa+1@acme.example.invalid',   'A-9001',    1.00, '2025-02-01'),
    ('finance@umbrella.example',    'G-2001', 3100.00, '2025-01-15'),
    ('qa+2@globex.example.invalid', 'G-9001',    1.00, '2025-02-01')
  ) AS i(email, number, amount, issued_on)
  JOIN public.customers AS c ON c.email = i.email;
