-- A small helpdesk: organizations (tenants), their customers, support tickets and comments.
CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
