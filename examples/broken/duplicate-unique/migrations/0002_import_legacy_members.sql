-- The members of the two launch customers, moved over from the legacy directory.
-- The legacy export listed grace@northwind.example twice (once per team she was in), and
-- nothing here prevents a duplicate yet: see 0004.
INSERT INTO public.organizations (slug, name) VALUES
  ('acme',      'Acme Analytics'),
  ('northwind', 'Northwind Health');

INSERT INTO public.members (org_id, email, display_name)
SELECT o.id, m.email, m.display_name
  FROM (VALUES
    ('acme',      'ada@acme.example',        'Ada Lovelace'),
    ('acme',      'linus@acme.example',      'Linus Pauling'),
    ('northwind', 'grace@northwind.example', 'Grace Hopper'),
    ('northwind', 'grace@northwind.example', 'Grace Hopper (Platform team)'),
    ('northwind', 'alan@northwind.example',  'Alan Turing')
  ) AS m(org_slug, email, display_name)
  JOIN public.organizations AS o ON o.slug = m.org_slug;
