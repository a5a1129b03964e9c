-- A small team wiki: organizations (tenants) write documents and comment on them.
CREATE TABLE public.organizations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.documents (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id            bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  title             text NOT NULL,
  body              text NOT NULL DEFAULT '',
  -- "Anyone with the link can view": the share page looks the document up by this token.
  shared_with_link  boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now()
);

-- The document list is "newest first within a tenant"; it also serves the org_id FK.
CREATE INDEX documents_org_id_created_at_idx ON public.documents (org_id, created_at DESC);
