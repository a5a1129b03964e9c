import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { plaintextSecretColumn } from "./plaintext-secret-column.js";

describe("plaintext-secret-column", () => {
  it("reports a text password column in CREATE TABLE", async () => {
    const found = await lintSql(plaintextSecretColumn, "SELECT 1;\n  CREATE TABLE users (\n    id int,\n    password text\n  );");
    expect(found).toMatchObject([
      {
        rule: "plaintext-secret-column",
        severity: "warning",
        line: 2,
        column: 3,
        message: expect.stringContaining("column public.users.password (text) is named like a password"),
      },
    ]);
  });

  it("reports each secret column of ADD COLUMN", async () => {
    const found = await lintSql(
      plaintextSecretColumn,
      "ALTER TABLE integrations ADD COLUMN api_key varchar(64), ADD COLUMN refresh_token citext;",
      {
        before: ["CREATE TABLE integrations (id int);"],
      },
    );
    expect(found).toMatchObject([
      {
        rule: "plaintext-secret-column",
        severity: "warning",
        line: 1,
        column: 1,
        message: expect.stringContaining("integrations.api_key (varchar)"),
      },
      {
        rule: "plaintext-secret-column",
        severity: "warning",
        line: 1,
        column: 1,
        message: expect.stringContaining("integrations.refresh_token (citext)"),
      },
    ]);
  });

  it.each([
    ["passwd", "passwd char(60)"],
    ["apikey", "apikey text"],
    ['"apiKey" (camelCase)', '"apiKey" text'],
    ['"AccessKey"', '"AccessKey" varchar'],
    ["private_key", "private_key text"],
    ["stripe_secret", "stripe_secret text"],
    ["connection_string", "connection_string text"],
    ["conn_str", "conn_str text"],
    ["credentials", "credentials text"],
    ["password_reset_token", "password_reset_token text"],
    ["an array of tokens", "backup_tokens text[]"],
  ])("reports %s", async (_, column) => {
    expect(await lintSql(plaintextSecretColumn, `CREATE TABLE t (${column});`)).toMatchObject([
      { rule: "plaintext-secret-column", line: 1, column: 1 },
    ]);
  });

  it.each([
    ["password_hash", "password_hash text"],
    ["encrypted_password", "encrypted_password varchar(255)"],
    ['"hashedToken"', '"hashedToken" text'],
    ["token_digest", "token_digest text"],
    ["api_key_enc", "api_key_enc text"],
    ["a bytea secret", "secret bytea"],
    ["an integer count", "credentials_count int"],
    ["token_type", "token_type text"],
    ["api_key_id", "api_key_id text"],
    ["access_key_id", "access_key_id varchar(20)"],
    ["secret_name", "secret_name text"],
    ["a word that only contains a term", "secretary text"],
    ["tokenizer", "tokenizer text"],
    ["a timestamp", "password_changed_at timestamptz"],
  ])("accepts %s", async (_, column) => expect(await lintSql(plaintextSecretColumn, `CREATE TABLE t (${column});`)).toEqual([]));
});
