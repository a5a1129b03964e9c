ALTER TABLE public.bookings DROP COLUMN IF EXISTS notes;
