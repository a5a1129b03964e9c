-- Comments on documents. org_id is repeated here so that RLS can filter without a join.
CREATE TABLE public.comments (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  document_id  bigint NOT NULL REFERENCES public.documents (id) ON DELETE CASCADE,
  author       text NOT NULL,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX comments_document_id_created_at_idx ON public.comments (document_id, created_at);
CREATE INDEX comments_org_id_idx ON public.comments (org_id);
