-- Seed data for rehearsals from an empty database. Runs after all migrations, as the owner
-- (RLS does not apply to it), so no app.current_org_id is needed.
--
-- Rows are looked up by natural keys (slug, email, plan code) instead of hard-coded ids, so
-- the seed keeps working if ids are ever allocated differently. In a fresh database the
-- organizations still get ids 1, 2, 3 in the order below, which the isolation probe in
-- drydock.toml relies on (org 1 = acme-analytics).

INSERT INTO platform.plans (code, tier, name, monthly_price, seats_included, is_public) VALUES
  ('free',        'free',       'Free',        0.00,   3, true),
  ('pro',         'pro',        'Pro',        49.00,  10, true),
  ('enterprise',  'enterprise', 'Enterprise', 499.00, 100, true),
  ('pro-2023',    'pro',        'Pro (2023)', 39.00,  10, false);  -- retired, kept for history

INSERT INTO public.organizations (slug, name) VALUES
  ('acme-analytics',   'Acme Analytics'),
  ('northwind-health', 'Northwind Health'),
  ('globex-logistics', 'Globex Logistics');

INSERT INTO public.projects (org_id, name, description)
SELECT o.id, p.name, p.description
  FROM (VALUES
    ('acme-analytics',   'dashboards',     'Customer-facing analytics dashboards'),
    ('acme-analytics',   'ingest',         'Event ingestion pipeline'),
    ('acme-analytics',   'legacy-reports', 'Old PDF reporting, being retired'),
    ('northwind-health', 'patient-portal', 'Appointment booking and records'),
    ('northwind-health', 'claims',         'Insurance claims processing'),
    ('globex-logistics', 'fleet',          'Vehicle tracking'),
    ('globex-logistics', 'warehouse',      'Inventory and picking'),
    ('globex-logistics', 'routing',        'Route optimisation experiments')
  ) AS p(org_slug, name, description)
  JOIN public.organizations AS o ON o.slug = p.org_slug;

-- An update, so the audit trail holds more than inserts.
UPDATE public.projects SET archived_at = now() - interval '3 days'
 WHERE name = 'legacy-reports';

INSERT INTO public.users (org_id, email, display_name, role, last_login_at)
SELECT o.id, u.email, u.display_name, u.role, now() - u.last_seen
  FROM (VALUES
    ('acme-analytics',   'ada@acme.example',        'Ada Lovelace',     'owner',  interval '2 hours'),
    ('acme-analytics',   'grace@acme.example',      'Grace Hopper',     'admin',  interval '1 day'),
    ('acme-analytics',   'linus@acme.example',      'Linus Pauling',    'member', interval '6 days'),
    ('northwind-health', 'margaret@northwind.example', 'Margaret Hamilton', 'owner', interval '30 minutes'),
    ('northwind-health', 'alan@northwind.example',  'Alan Turing',      'member', interval '3 days'),
    ('globex-logistics', 'hank@globex.example',     'Hank Scorpio',     'owner',  interval '5 hours'),
    ('globex-logistics', 'frank@globex.example',    'Frank Grimes',     'member', interval '12 days')
  ) AS u(org_slug, email, display_name, role, last_seen)
  JOIN public.organizations AS o ON o.slug = u.org_slug;

-- Session tokens are random and only their SHA-256 digest is stored; nobody needs the
-- plaintext of a seeded session.
INSERT INTO public.sessions (org_id, user_id, token_hash, ip_address, user_agent, expires_at)
SELECT u.org_id, u.id, public.digest(public.gen_random_bytes(32), 'sha256'),
       s.ip::inet, s.user_agent, now() + interval '14 days'
  FROM (VALUES
    ('ada@acme.example',           '203.0.113.10', 'Mozilla/5.0 (Macintosh)'),
    ('grace@acme.example',         '203.0.113.11', 'Mozilla/5.0 (X11; Linux x86_64)'),
    ('margaret@northwind.example', '198.51.100.7', 'Mozilla/5.0 (Windows NT 10.0)'),
    ('hank@globex.example',        '192.0.2.44',   'acme-cli/2.3.1')
  ) AS s(email, ip, user_agent)
  JOIN public.users AS u ON u.email = s.email;

-- Subscriptions: acme moved from free to pro (the free one is history), northwind is on
-- enterprise, globex is trialing pro.
INSERT INTO public.subscriptions (org_id, plan_id, status, current_period_start, current_period_end, canceled_at)
SELECT o.id, p.id, s.status::platform.subscription_status, s.period_start, s.period_start + interval '1 month',
       CASE WHEN s.status = 'canceled' THEN s.period_start + interval '1 month' END
  FROM (VALUES
    ('acme-analytics',   'free',       'canceled', date_trunc('month', now()) - interval '4 months'),
    ('acme-analytics',   'pro',        'active',   date_trunc('month', now())),
    ('northwind-health', 'enterprise', 'active',   date_trunc('month', now())),
    ('globex-logistics', 'pro',        'trialing', date_trunc('day', now()) - interval '5 days')
  ) AS s(org_slug, plan_code, status, period_start)
  JOIN public.organizations AS o ON o.slug = s.org_slug
  JOIN platform.plans AS p ON p.code = s.plan_code;

-- Three months of pro/enterprise invoices (the latest still open) and one setup fee that
-- belongs to no subscription. Tax at 20 % for acme (EU), none for northwind (US, exempt).
INSERT INTO public.invoices (org_id, subscription_id, number, currency, subtotal, tax, status, issued_at, due_at, paid_at)
SELECT o.id, s.id, i.number, i.currency, i.subtotal, i.tax, i.status,
       date_trunc('month', now()) - i.months_ago,
       date_trunc('month', now()) - i.months_ago + interval '14 days',
       CASE WHEN i.status = 'paid' THEN date_trunc('month', now()) - i.months_ago + interval '3 days' END
  FROM (VALUES
    ('acme-analytics',   true,  'ACME-0001', 'EUR',  49.00,  9.80, 'paid', interval '2 months'),
    ('acme-analytics',   true,  'ACME-0002', 'EUR',  49.00,  9.80, 'paid', interval '1 month'),
    ('acme-analytics',   true,  'ACME-0003', 'EUR',  49.00,  9.80, 'open', interval '0 days'),
    ('northwind-health', false, 'NWH-0001',  'USD', 1500.00, 0.00, 'paid', interval '2 months'),
    ('northwind-health', true,  'NWH-0002',  'USD', 499.00,  0.00, 'paid', interval '1 month'),
    ('northwind-health', true,  'NWH-0003',  'USD', 499.00,  0.00, 'open', interval '0 days')
  ) AS i(org_slug, on_subscription, number, currency, subtotal, tax, status, months_ago)
  JOIN public.organizations AS o ON o.slug = i.org_slug
  LEFT JOIN public.subscriptions AS s
         ON i.on_subscription AND s.org_id = o.id AND s.status = 'active';

-- API keys go through the hashing function like production ones; PERFORM discards the
-- plaintext so it never reaches a log. One key is revoked to exercise that path.
DO $$
DECLARE
  v_acme       bigint := (SELECT id FROM public.organizations WHERE slug = 'acme-analytics');
  v_northwind  bigint := (SELECT id FROM public.organizations WHERE slug = 'northwind-health');
BEGIN
  PERFORM platform.create_api_key(
    v_acme, 'CI deploy (ingest)',
    (SELECT id FROM public.users WHERE email = 'grace@acme.example'),
    (SELECT id FROM public.projects WHERE org_id = v_acme AND name = 'ingest'),
    ARRAY['read', 'write']);
  PERFORM platform.create_api_key(
    v_acme, 'Old Zapier integration',
    (SELECT id FROM public.users WHERE email = 'ada@acme.example'));
  PERFORM platform.create_api_key(
    v_northwind, 'Reporting (read-only)',
    (SELECT id FROM public.users WHERE email = 'margaret@northwind.example'),
    NULL, ARRAY['read'], now() + interval '90 days');
END;
$$;

UPDATE public.api_keys SET revoked_at = now() - interval '1 day'
 WHERE name = 'Old Zapier integration';

-- The connection string is written in clear and stored encrypted by the trigger from 0006
-- (with the development key, since app.encryption_key is not set while seeding).
INSERT INTO platform.databases (name, engine, environment, description, connection_string)
VALUES ('analytics-warehouse', 'postgres', 'staging',
        'Read replica the dashboards project queries for tenant reports',
        'postgres://warehouse_ro:example-only-password@warehouse.internal:5432/analytics');
