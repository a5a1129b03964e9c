/**
 * The objects a Supabase database has before any project migration runs, as a plain-SQL
 * stand-in for sandboxes (`preset = "supabase"`): the API roles, schemas `auth`, `storage`,
 * `realtime` and `extensions`, `auth.users`, `auth.uid()`/`role()`/`email()`/`jwt()` reading
 * PostgREST's `request.jwt.claims` setting, `storage.buckets`/`objects` with their path helpers,
 * `realtime.messages` with no-op broadcast functions, the `supabase_realtime` publication, and
 * Supabase's grants and default privileges in `public`.
 *
 * It is not Supabase's bootstrap code, only the surface application migrations reference, and it
 * runs anywhere a sandbox does: PGlite with no extension loaded and PostgreSQL 13+
 * (`gen_random_uuid()` is built in since 13; generated columns since 12).
 *
 * It runs more than once and next to other databases: roles are cluster-wide and sandboxes on
 * one server are made in parallel, so each role is created only when `pg_roles` lacks it, and a
 * concurrent `CREATE ROLE` of the same name (`duplicate_object` once committed, `unique_violation`
 * while in flight) is ignored. Everything else is `IF NOT EXISTS`, `OR REPLACE` or guarded.
 * Tables and functions are top-level statements, not `DO` bodies, so `plan` sees what they create.
 */
export const supabasePrelude = {
  file: "<preset supabase>",
  sql: `-- drydock preset "supabase": platform objects a Supabase project's migrations expect.

-- Roles. NOLOGIN throughout, authenticator included (LOGIN on Supabase): a sandbox server may
-- trust local connections, and a passwordless login role that can become service_role
-- (BYPASSRLS) must not appear there. supabase_admin is not a superuser here, for the same reason.
DO $preset$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('anon',                   'NOLOGIN NOINHERIT'),
      ('authenticated',          'NOLOGIN NOINHERIT'),
      ('service_role',           'NOLOGIN NOINHERIT BYPASSRLS'),
      ('authenticator',          'NOLOGIN NOINHERIT'),
      ('supabase_admin',         'NOLOGIN'),
      ('supabase_auth_admin',    'NOLOGIN NOINHERIT'),
      ('supabase_storage_admin', 'NOLOGIN NOINHERIT'),
      ('dashboard_user',         'NOLOGIN')
    ) AS t(name, options)
  LOOP
    CONTINUE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name);
    BEGIN
      EXECUTE format('CREATE ROLE %I %s', r.name, r.options);
    EXCEPTION
      -- Another sandbox on the same server created it after the check above.
      WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$preset$;

-- PostgREST logs in as authenticator and switches to the role named in the JWT.
DO $preset$
DECLARE
  granted text;
BEGIN
  FOREACH granted IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_catalog.pg_auth_members
       WHERE roleid = granted::regrole AND member = 'authenticator'::regrole);
    BEGIN
      EXECUTE format('GRANT %I TO authenticator', granted);
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$preset$;

CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS storage;
CREATE SCHEMA IF NOT EXISTS realtime;

GRANT USAGE ON SCHEMA public, extensions, auth, storage, realtime TO anon, authenticated, service_role;

-- Supabase installs extensions into schema extensions and keeps it on every session's path, so
-- migrations call uuid_generate_v4() or digest() unqualified. New sessions get it from the
-- database, this one from the SET.
DO $preset$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path TO "$user", public, extensions', current_database());
END
$preset$;
SET search_path TO "$user", public, extensions;

-- What the API roles may do is decided by RLS, not by grants: on Supabase every table, sequence
-- and function the migration owner creates in public is granted to them.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO anon, authenticated, service_role;

-- auth: the columns of GoTrue's users table that migrations read (profile triggers read
-- raw_user_meta_data; policies compare email; foreign keys point at id).
CREATE TABLE IF NOT EXISTS auth.users (
  instance_id        uuid,
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  aud                varchar(255),
  role               varchar(255),
  email              varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at         timestamptz,
  confirmation_token varchar(255),
  recovery_token     varchar(255),
  last_sign_in_at    timestamptz,
  raw_app_meta_data  jsonb,
  raw_user_meta_data jsonb,
  is_super_admin     boolean,
  created_at         timestamptz DEFAULT now(),
  updated_at         timestamptz DEFAULT now(),
  phone              text UNIQUE,
  phone_confirmed_at timestamptz,
  banned_until       timestamptz,
  is_sso_user        boolean NOT NULL DEFAULT false,
  deleted_at         timestamptz,
  is_anonymous       boolean NOT NULL DEFAULT false
);
GRANT SELECT ON auth.users TO service_role;

-- PostgREST puts the verified JWT in request.jwt.claims (JSON); versions before 9 set one
-- request.jwt.claim.<name> per claim. Like Supabase's own definitions, these read the per-claim
-- setting first, then the JSON; no claims give NULL, as on Supabase.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
  LANGUAGE sql STABLE
AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$fn$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
  LANGUAGE sql STABLE
AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
  )::uuid
$fn$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text
  LANGUAGE sql STABLE
AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
  )::text
$fn$;

CREATE OR REPLACE FUNCTION auth.email() RETURNS text
  LANGUAGE sql STABLE
AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
  )::text
$fn$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role(), auth.email() TO anon, authenticated, service_role;

-- storage: buckets and objects as Supabase Storage leaves them; access is decided by policies
-- on storage.objects, which migrations add.
CREATE TABLE IF NOT EXISTS storage.buckets (
  id                 text PRIMARY KEY,
  name               text NOT NULL,
  owner              uuid,
  owner_id           text,
  created_at         timestamptz DEFAULT now(),
  updated_at         timestamptz DEFAULT now(),
  public             boolean DEFAULT false,
  avif_autodetection boolean DEFAULT false,
  file_size_limit    bigint,
  allowed_mime_types text[]
);
CREATE UNIQUE INDEX IF NOT EXISTS bname ON storage.buckets (name);

CREATE TABLE IF NOT EXISTS storage.objects (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bucket_id        text REFERENCES storage.buckets (id),
  name             text,
  owner            uuid,
  owner_id         text,
  created_at       timestamptz DEFAULT now(),
  updated_at       timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(),
  metadata         jsonb,
  user_metadata    jsonb,
  version          text,
  path_tokens      text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED
);
CREATE UNIQUE INDEX IF NOT EXISTS bucketid_objname ON storage.objects (bucket_id, name);

ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
GRANT ALL ON storage.buckets, storage.objects TO anon, authenticated, service_role;

-- 'a/b/c.png' -> {a,b}: policies use (storage.foldername(name))[1] = auth.uid()::text.
CREATE OR REPLACE FUNCTION storage.foldername(name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE
AS $fn$
  SELECT (string_to_array(name, '/'))[1 : array_length(string_to_array(name, '/'), 1) - 1]
$fn$;

-- 'a/b/c.png' -> 'c.png'
CREATE OR REPLACE FUNCTION storage.filename(name text) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $fn$
  SELECT (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$fn$;

-- 'a/b/c.png' -> 'png'
CREATE OR REPLACE FUNCTION storage.extension(name text) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $fn$
  SELECT reverse(split_part(reverse(storage.filename(name)), '.', 1))
$fn$;

-- realtime: the broadcast table that policies are written on, and no-op senders (the real ones
-- hand the payload to the Realtime server, which a sandbox does not have).
CREATE TABLE IF NOT EXISTS realtime.messages (
  id          bigserial,
  topic       text NOT NULL,
  extension   text NOT NULL,
  payload     jsonb,
  event       text,
  private     boolean DEFAULT false,
  updated_at  timestamp NOT NULL DEFAULT now(),
  inserted_at timestamp NOT NULL DEFAULT now(),
  PRIMARY KEY (id, inserted_at)
);
ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON realtime.messages TO anon, authenticated, service_role;

CREATE OR REPLACE FUNCTION realtime.topic() RETURNS text
  LANGUAGE sql STABLE
AS $fn$
  SELECT nullif(current_setting('realtime.topic', true), '')::text
$fn$;

CREATE OR REPLACE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true) RETURNS void
  LANGUAGE sql
AS $fn$ SELECT $fn$;

CREATE OR REPLACE FUNCTION realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text DEFAULT 'ROW'
) RETURNS void
  LANGUAGE plpgsql
AS $fn$ BEGIN RETURN; END $fn$;

-- Migrations run ALTER PUBLICATION supabase_realtime ADD TABLE …; it has no IF NOT EXISTS.
DO $preset$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
    CREATE PUBLICATION supabase_realtime;
  END IF;
END
$preset$;
`,
} as const;
