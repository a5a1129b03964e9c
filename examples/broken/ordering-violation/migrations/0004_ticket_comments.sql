-- The conversation on a ticket: replies from agents and customers.
CREATE TABLE public.ticket_comments (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id        bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  ticket_id     bigint NOT NULL REFERENCES public.tickets (id) ON DELETE CASCADE,
  author_email  text NOT NULL,
  body          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ticket_comments_ticket_id_created_at_idx ON public.ticket_comments (ticket_id, created_at);
CREATE INDEX ticket_comments_org_id_idx ON public.ticket_comments (org_id);
