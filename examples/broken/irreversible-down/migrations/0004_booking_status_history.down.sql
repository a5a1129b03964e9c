-- BROKEN (on purpose): this undoes the trigger, the history table and the column, but not the
-- function the up created. After rolling back, public.log_booking_status_change() is still
-- there: the schema after this down is not the schema before 0004. The missing line is:
--   DROP FUNCTION IF EXISTS public.log_booking_status_change();
DROP TRIGGER IF EXISTS bookings_log_status_change ON public.bookings;
DROP TABLE IF EXISTS public.booking_status_changes;
ALTER TABLE public.bookings DROP COLUMN IF EXISTS status;
