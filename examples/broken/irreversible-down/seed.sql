-- Two clinics with rooms and a few bookings. Runs as the owner.
INSERT INTO public.organizations (slug, name) VALUES
  ('riverside', 'Riverside Physiotherapy'),
  ('hillcrest', 'Hillcrest Dental');

INSERT INTO public.rooms (org_id, name)
SELECT o.id, r.name
  FROM (VALUES ('riverside', 'Room 1'), ('riverside', 'Room 2'), ('hillcrest', 'Chair A')) AS r(org_slug, name)
  JOIN public.organizations AS o ON o.slug = r.org_slug;

INSERT INTO public.bookings (org_id, room_id, patient, starts_at, ends_at)
SELECT r.org_id, r.id, b.patient, b.starts_at::timestamptz, b.starts_at::timestamptz + interval '45 minutes'
  FROM (VALUES
    ('Room 1',  'J. Doe',   '2025-03-03 09:00+00'),
    ('Room 1',  'A. Smith', '2025-03-03 10:00+00'),
    ('Room 2',  'M. Brown', '2025-03-03 09:30+00'),
    ('Chair A', 'L. Green', '2025-03-04 14:00+00')
  ) AS b(room, patient, starts_at)
  JOIN public.rooms AS r ON r.name = b.room;
