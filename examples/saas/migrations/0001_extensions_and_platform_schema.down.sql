-- No CASCADE anywhere in the downs: if a later object still depends on these, the rollback
-- must fail loudly instead of silently taking that object with it.
DROP FUNCTION IF EXISTS platform.set_updated_at();
DROP SCHEMA IF EXISTS platform;

-- The extension is dropped too so that a full rollback leaves an empty database. On a server
-- where pgcrypto was installed before this project, skip this line (it would fail anyway if
-- anything else used it).
DROP EXTENSION IF EXISTS pgcrypto;
