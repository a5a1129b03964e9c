-- Two tenants with projects and tasks. Runs as the owner (RLS does not apply to it). In a
-- fresh database acme gets id 1 and globex id 2, which the isolation probe relies on.
INSERT INTO public.organizations (slug, name) VALUES
  ('acme',   'Acme Analytics'),
  ('globex', 'Globex Logistics');

INSERT INTO public.projects (org_id, name, description)
SELECT o.id, p.name, p.description
  FROM (VALUES
    ('acme',   'dashboards', 'Customer-facing analytics dashboards'),
    ('acme',   'ingest',     'Event ingestion pipeline'),
    ('globex', 'fleet',      'Vehicle tracking'),
    ('globex', 'warehouse',  'Inventory and picking')
  ) AS p(org_slug, name, description)
  JOIN public.organizations AS o ON o.slug = p.org_slug;

INSERT INTO public.tasks (org_id, project_id, title, done)
SELECT p.org_id, p.id, t.title, t.done
  FROM (VALUES
    ('dashboards', 'Dark mode',             false),
    ('ingest',     'Backpressure on spikes', true),
    ('fleet',      'GPS drift filter',       false),
    ('warehouse',  'Pick list export',       false)
  ) AS t(project, title, done)
  JOIN public.projects AS p ON p.name = t.project;
