-- A status for each booking, and a history of its changes for the clinic's front desk.
-- The constant default fills existing rows without a rewrite (PostgreSQL 11+).
ALTER TABLE public.bookings ADD COLUMN status text NOT NULL DEFAULT 'confirmed';

CREATE TABLE public.booking_status_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  booking_id  bigint NOT NULL REFERENCES public.bookings (id) ON DELETE CASCADE,
  old_status  text NOT NULL,
  new_status  text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_status_changes_booking_id_idx ON public.booking_status_changes (booking_id, changed_at);

-- OR REPLACE: the function has no state, so re-running the up simply redefines it.
CREATE OR REPLACE FUNCTION public.log_booking_status_change() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO public.booking_status_changes (booking_id, old_status, new_status)
  VALUES (NEW.id, OLD.status, NEW.status);
  RETURN NULL;
END;
$$;

CREATE TRIGGER bookings_log_status_change
  AFTER UPDATE OF status ON public.bookings
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION public.log_booking_status_change();
