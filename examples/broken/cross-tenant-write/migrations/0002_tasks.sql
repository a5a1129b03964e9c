-- Tasks of a project. org_id is repeated here so that RLS can filter without a join.
CREATE TABLE public.tasks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  project_id  bigint NOT NULL REFERENCES public.projects (id) ON DELETE CASCADE,
  title       text NOT NULL,
  done        boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tasks_project_id_idx ON public.tasks (project_id);
CREATE INDEX tasks_org_id_idx ON public.tasks (org_id);
