-- Rooms of a clinic, and the bookings made for them.
CREATE TABLE public.rooms (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  name        text NOT NULL,
  -- Leads with org_id, so it also serves the org_id foreign key.
  CONSTRAINT rooms_org_id_name_key UNIQUE (org_id, name)
);

CREATE TABLE public.bookings (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  room_id     bigint NOT NULL REFERENCES public.rooms (id) ON DELETE CASCADE,
  patient     text NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  CONSTRAINT bookings_time_order CHECK (ends_at > starts_at)
);

-- The calendar is "bookings of one tenant in a time range"; it also serves the org_id FK.
CREATE INDEX bookings_org_id_starts_at_idx ON public.bookings (org_id, starts_at);
CREATE INDEX bookings_room_id_starts_at_idx ON public.bookings (room_id, starts_at);
