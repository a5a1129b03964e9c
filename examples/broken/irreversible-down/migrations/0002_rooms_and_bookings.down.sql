DROP TABLE IF EXISTS public.bookings;
DROP TABLE IF EXISTS public.rooms;
