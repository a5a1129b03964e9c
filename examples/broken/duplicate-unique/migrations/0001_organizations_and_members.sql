-- A small team-chat app: organizations (tenants) and their members.
CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.members (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id        bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  email         text NOT NULL,
  display_name  text NOT NULL,
  joined_at     timestamptz NOT NULL DEFAULT now()
);

-- Serves the org_id foreign key and the member list of a tenant.
CREATE INDEX members_org_id_idx ON public.members (org_id);
