-- Identity: users, their sessions, and API keys for machine access.
--
-- Secrets are never stored in a form that can be replayed: session tokens as SHA-256 digests
-- (they are long random values, so a fast hash is enough), API keys as bcrypt hashes (they
-- live for months in CI configs, so a leaked dump must stay expensive to attack).

CREATE TABLE public.users (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id         bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  email          text NOT NULL CHECK (position('@' IN email) > 1),
  display_name   text NOT NULL,
  role           text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Emails are compared case-insensitively (people type them both ways) and are unique per
-- tenant, since one person may belong to several organizations. Leading with org_id also
-- makes this the index for the org_id foreign key.
CREATE UNIQUE INDEX users_org_id_email_key ON public.users (org_id, lower(email));

CREATE TRIGGER users_set_updated_at
  BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION platform.set_updated_at();

CREATE TABLE public.sessions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- org_id is redundant with the user's, but RLS policies need the tenant on the row itself;
  -- a join inside a policy would run for every row of every query.
  org_id      bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  ip_address  inet,
  user_agent  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  CONSTRAINT sessions_expiry_check CHECK (expires_at > created_at)
);

CREATE INDEX sessions_org_id_idx ON public.sessions (org_id);
CREATE INDEX sessions_user_id_idx ON public.sessions (user_id);
-- The session reaper deletes expired rows in batches by expiry time.
CREATE INDEX sessions_expires_at_idx ON public.sessions (expires_at);

CREATE TABLE public.api_keys (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id        bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  -- NULL means the key is valid for every project of the organization.
  project_id    bigint REFERENCES public.projects (id) ON DELETE CASCADE,
  -- SET NULL: a key must keep working when the employee who created it leaves.
  created_by    bigint REFERENCES public.users (id) ON DELETE SET NULL,
  name          text NOT NULL,
  -- The prefix is shown in the UI and in logs so a key can be identified without the secret;
  -- it is also how verify_api_key finds the row before paying for one bcrypt comparison.
  prefix        text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
  key_hash      text NOT NULL,
  scopes        text[] NOT NULL DEFAULT ARRAY['read']
                  CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write', 'admin']),
  last_used_at  timestamptz,
  expires_at    timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_keys_org_id_idx ON public.api_keys (org_id);
CREATE INDEX api_keys_project_id_idx ON public.api_keys (project_id);
CREATE INDEX api_keys_created_by_idx ON public.api_keys (created_by);

-- Creates a key and returns its plaintext exactly once; only the bcrypt hash is stored.
-- SECURITY INVOKER on purpose: when the application calls it as app_user, RLS (0009) makes
-- sure a tenant can only mint keys for itself.
CREATE FUNCTION platform.create_api_key(
  p_org_id      bigint,
  p_name        text,
  p_created_by  bigint DEFAULT NULL,
  p_project_id  bigint DEFAULT NULL,
  p_scopes      text[] DEFAULT ARRAY['read'],
  p_expires_at  timestamptz DEFAULT NULL
)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_prefix  text := encode(public.gen_random_bytes(6), 'hex');
  v_key     text;
BEGIN
  v_key := 'dd_' || v_prefix || '_' || encode(public.gen_random_bytes(24), 'hex');
  INSERT INTO public.api_keys (org_id, project_id, created_by, name, prefix, key_hash, scopes, expires_at)
  VALUES (p_org_id, p_project_id, p_created_by, p_name, v_prefix,
          public.crypt(v_key, public.gen_salt('bf', 8)), p_scopes, p_expires_at);
  RETURN v_key;
END;
$$;

-- Resolves a presented key to its tenant. SECURITY DEFINER because at authentication time the
-- tenant is not known yet, so RLS would hide every row; the fixed search_path stops a caller
-- from substituting their own crypt(). Returns no row (never an error) for any invalid key,
-- so callers cannot tell "unknown" from "revoked" from "wrong secret".
CREATE FUNCTION platform.verify_api_key(p_key text)
RETURNS TABLE (api_key_id bigint, org_id bigint, project_id bigint, scopes text[])
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_row  public.api_keys%ROWTYPE;
BEGIN
  IF p_key IS NULL OR p_key !~ '^dd_[0-9a-f]{12}_[0-9a-f]{48}$' THEN
    RETURN;
  END IF;

  SELECT k.* INTO v_row FROM public.api_keys AS k WHERE k.prefix = split_part(p_key, '_', 2);

  IF NOT FOUND
     OR v_row.revoked_at IS NOT NULL
     OR (v_row.expires_at IS NOT NULL AND v_row.expires_at <= now())
     OR public.crypt(p_key, v_row.key_hash) <> v_row.key_hash THEN
    RETURN;
  END IF;

  -- Touch last_used_at at most once a minute: a busy CI key would otherwise turn every
  -- authenticated request into a row update.
  UPDATE public.api_keys AS k
     SET last_used_at = now()
   WHERE k.id = v_row.id
     AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute');

  RETURN QUERY SELECT v_row.id, v_row.org_id, v_row.project_id, v_row.scopes;
END;
$$;

-- Functions are executable by PUBLIC by default; verification bypasses RLS, so it is granted
-- explicitly to app_user in 0008 and to nobody else.
REVOKE ALL ON FUNCTION platform.verify_api_key(text) FROM PUBLIC;
