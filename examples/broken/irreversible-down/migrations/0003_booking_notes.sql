-- Free-text notes on a booking (a nullable column without default: no rewrite, no scan).
ALTER TABLE public.bookings ADD COLUMN notes text;
