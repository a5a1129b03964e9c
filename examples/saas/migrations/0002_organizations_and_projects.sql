-- Tenants and their projects.
--
-- The tenant key is a bigint `org_id` on every tenant table (organizations use their own `id`).
-- RLS policies in 0009 compare it with the `app.current_org_id` setting, so it must be
-- NOT NULL everywhere: a NULL tenant would be invisible to every tenant and to every check.

CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The slug appears in URLs and in support tickets; it is the stable human-facing key.
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name        text NOT NULL CHECK (length(btrim(name)) > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER organizations_set_updated_at
  BEFORE UPDATE ON public.organizations
  FOR EACH ROW EXECUTE FUNCTION platform.set_updated_at();

CREATE TABLE public.projects (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- CASCADE: deleting a tenant is a deliberate, audited offboarding; leftover projects would
  -- be orphans no tenant can see.
  org_id       bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(btrim(name)) > 0),
  description  text,
  archived_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- Project names only need to be unique inside one tenant.
  CONSTRAINT projects_org_name_key UNIQUE (org_id, name)
);

-- The unique constraint above leads with org_id, but the project list is always
-- "newest first within a tenant", so this index serves both that query and the FK
-- (cascading deletes of an organization look projects up by org_id).
CREATE INDEX projects_org_id_created_at_idx ON public.projects (org_id, created_at DESC);

CREATE TRIGGER projects_set_updated_at
  BEFORE UPDATE ON public.projects
  FOR EACH ROW EXECUTE FUNCTION platform.set_updated_at();
