-- Functions first (their bodies read api_keys, and plpgsql records no dependency that would
-- stop the table from being dropped under them), then the tables in reverse dependency order.
DROP FUNCTION IF EXISTS platform.verify_api_key(text);
DROP FUNCTION IF EXISTS platform.create_api_key(bigint, text, bigint, bigint, text[], timestamptz);
DROP TABLE IF EXISTS public.api_keys;
DROP TABLE IF EXISTS public.sessions;
DROP TABLE IF EXISTS public.users;
