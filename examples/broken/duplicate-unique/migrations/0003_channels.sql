-- Chat channels of a tenant.
CREATE TABLE public.channels (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Leads with org_id, so it also serves the org_id foreign key.
  CONSTRAINT channels_org_id_name_key UNIQUE (org_id, name)
);
