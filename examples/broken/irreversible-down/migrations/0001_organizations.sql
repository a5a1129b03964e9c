-- A small booking app for clinics: organizations (tenants) book rooms for appointments.
CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
