-- Two tenants with documents and comments. Runs as the owner (RLS does not apply to it). In a
-- fresh database acme gets id 1 and globex id 2, which the isolation probe relies on.
INSERT INTO public.organizations (slug, name) VALUES
  ('acme',   'Acme Analytics'),
  ('globex', 'Globex Logistics');

INSERT INTO public.documents (org_id, title, body, shared_with_link)
SELECT o.id, d.title, d.body, d.shared
  FROM (VALUES
    ('acme',   'Onboarding checklist', 'Laptop, accounts, first week.',       false),
    ('acme',   'Release process',      'Rehearse, approve, apply.',           false),
    ('globex', 'Fleet maintenance',    'Service intervals per vehicle type.', false),
    -- Shared with a carrier by link: must stay invisible to other tenants.
    ('globex', 'Q3 pricing for carriers', 'Confidential rate card.',          true)
  ) AS d(org_slug, title, body, shared)
  JOIN public.organizations AS o ON o.slug = d.org_slug;

INSERT INTO public.comments (org_id, document_id, author, body)
SELECT d.org_id, d.id, c.author, c.body
  FROM (VALUES
    ('Onboarding checklist',    'ada@acme.example',    'Add the VPN step.'),
    ('Release process',         'grace@acme.example',  'Link the runbook.'),
    ('Q3 pricing for carriers', 'hank@globex.example', 'Sent to two carriers.')
  ) AS c(title, author, body)
  JOIN public.documents AS d ON d.title = c.title;
