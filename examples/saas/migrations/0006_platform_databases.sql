-- drydock:allow plaintext-secret-column the BEFORE trigger below encrypts connection_string into connection_string_encrypted and clears it; a CHECK rejects any row that keeps plaintext
-- Registry of the external databases the platform runs on besides this one (cache, document
-- store, analytics warehouse). Their connection strings contain passwords, so they are stored
-- only as pgp_sym_encrypt ciphertext: a leaked dump or a careless SELECT * shows bytes, not
-- credentials.
--
-- The key comes from the `app.encryption_key` setting (set per role or per database by ops,
-- e.g. ALTER ROLE platform_svc SET app.encryption_key = '...'), never from this file. Without
-- it (sandboxes, CI, seeds) a clearly labelled development key is used and the row records
-- that, so such rows can be found and re-encrypted; with app.environment = 'production' the
-- fallback is refused instead.

-- Key lookup in one place, so the trigger and the decrypt function cannot disagree.
CREATE FUNCTION platform.encryption_key(p_key_id text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_key_id = 'dev-fallback' THEN
    IF current_setting('app.environment', true) = 'production' THEN
      RAISE EXCEPTION 'app.encryption_key is not set; the development fallback key is refused in production';
    END IF;
    RETURN 'drydock-example-dev-only-key';
  END IF;
  -- No missing_ok here: decrypting an 'app' row without the key must fail, not return NULL.
  RETURN current_setting('app.encryption_key');
END;
$$;

REVOKE ALL ON FUNCTION platform.encryption_key(text) FROM PUBLIC;

CREATE TABLE platform.databases (
  id                           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                         text NOT NULL UNIQUE,
  engine                       text NOT NULL CHECK (engine IN ('postgres', 'mongodb', 'redis')),
  environment                  text NOT NULL CHECK (environment IN ('production', 'staging', 'development')),
  description                  text,
  -- Write-only input column: callers INSERT/UPDATE the plaintext here, the trigger below
  -- moves it into connection_string_encrypted and clears it. The CHECK is the safety net if
  -- the trigger is ever dropped or disabled: the write then fails instead of storing a secret.
  connection_string            text,
  connection_string_encrypted  bytea NOT NULL,
  encryption_key_id            text NOT NULL CHECK (encryption_key_id IN ('app', 'dev-fallback')),
  created_at                   timestamptz NOT NULL DEFAULT now(),
  updated_at                   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT databases_no_plaintext_check CHECK (connection_string IS NULL)
);

CREATE FUNCTION platform.encrypt_connection_string()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF NEW.connection_string IS NOT NULL THEN
    NEW.encryption_key_id :=
      CASE WHEN nullif(current_setting('app.encryption_key', true), '') IS NULL
           THEN 'dev-fallback' ELSE 'app' END;
    NEW.connection_string_encrypted := public.pgp_sym_encrypt(
      NEW.connection_string,
      platform.encryption_key(NEW.encryption_key_id),
      'cipher-algo=aes256');
    NEW.connection_string := NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER databases_encrypt_connection_string
  BEFORE INSERT OR UPDATE ON platform.databases
  FOR EACH ROW EXECUTE FUNCTION platform.encrypt_connection_string();

-- For the services that actually connect; not granted to app_user or PUBLIC.
CREATE FUNCTION platform.database_connection_string(p_database_id bigint)
RETURNS text
LANGUAGE sql
STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT public.pgp_sym_decrypt(d.connection_string_encrypted, platform.encryption_key(d.encryption_key_id))
    FROM platform.databases AS d
   WHERE d.id = p_database_id;
$$;

REVOKE ALL ON FUNCTION platform.database_connection_string(bigint) FROM PUBLIC;
