-- The registry is dropped with its ciphertext; re-registering after a rollback needs the
-- plaintext connection strings again (they are in the secrets manager, not here).
DROP FUNCTION IF EXISTS platform.database_connection_string(bigint);
DROP TABLE IF EXISTS platform.databases;
DROP FUNCTION IF EXISTS platform.encrypt_connection_string();
DROP FUNCTION IF EXISTS platform.encryption_key(text);
