import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "./redact-url.js";

describe("redactUrl", () => {
  it.each([
    ["postgres://app:s3cret@db.example.com:5432/prod", "postgres://app:***@db.example.com:5432/prod"],
    ["postgresql://app:s3cret@localhost/prod?sslmode=require", "postgresql://app:***@localhost/prod?sslmode=require"],
    ["postgres://:s3cret@localhost/prod", "postgres://:***@localhost/prod"],
    ["postgres://app:pa:ss@localhost/prod", "postgres://app:***@localhost/prod"],
    ["postgres://app:p%40ss@localhost/prod", "postgres://app:***@localhost/prod"],
  ])("hides the password of %s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it.each([
    ["a user without a password", "postgres://app@localhost:5432/prod"],
    ["a host and port only", "postgres://localhost:5432/prod"],
    ["an embedded database", "pglite:./.drydock/sandbox"],
    ["text without a URL", 'relation "users" does not exist'],
  ])("leaves %s untouched", (_, text) => {
    expect(redactUrl(text)).toBe(text);
  });

  it("hides a password= query parameter", () => {
    expect(redactUrl("postgres://app@localhost/prod?password=s3cret&sslmode=require")).toBe(
      "postgres://app@localhost/prod?password=***&sslmode=require",
    );
  });

  it("hides a password= key-value parameter", () => {
    expect(redactUrl("host=localhost password=s3cret dbname=prod")).toBe("host=localhost password=*** dbname=prod");
    expect(redactUrl("host=localhost PASSWORD=s3cret")).toBe("host=localhost PASSWORD=***");
  });

  it("hides a password= parameter at the start of the text", () => {
    expect(redactUrl("password=s3cret host=localhost")).toBe("password=*** host=localhost");
  });

  it("hides a quoted key-value password and one written with spaces around =", () => {
    expect(redactUrl("host=localhost password='my s3cret' dbname=prod")).toBe("host=localhost password=*** dbname=prod");
    expect(redactUrl("host=localhost password='it\\'s' dbname=prod")).toBe("host=localhost password=*** dbname=prod");
    expect(redactUrl("host=localhost password = s3cret dbname=prod")).toBe("host=localhost password = *** dbname=prod");
  });

  it("hides sslpassword, the passphrase of the client certificate's key", () => {
    expect(redactUrl("postgres://app@h/db?sslcert=c.pem&sslpassword=s3cret")).toBe("postgres://app@h/db?sslcert=c.pem&sslpassword=***");
  });

  it("leaves other keys that contain the word password untouched", () => {
    expect(redactUrl("passfile=~/.pgpass password_encryption=scram-sha-256")).toBe("passfile=~/.pgpass password_encryption=scram-sha-256");
  });

  it("hides every URL in a message", () => {
    expect(redactUrl("cannot copy from postgres://a:one@h1/db to postgres://b:two@h2/db")).toBe(
      "cannot copy from postgres://a:***@h1/db to postgres://b:***@h2/db",
    );
  });
});

describe("redactSecrets", () => {
  it("removes each given secret as well as URL passwords", () => {
    const text = 'password authentication failed for user "app" (tried "s3cret") on postgres://app:other@h/db';
    expect(redactSecrets(text, ["s3cret"])).toBe('password authentication failed for user "app" (tried "***") on postgres://app:***@h/db');
  });

  it("removes every occurrence of a secret", () => {
    expect(redactSecrets("hunter2 and hunter2", ["hunter2"])).toBe("*** and ***");
  });

  it("ignores secrets shorter than three characters, which would mangle the text", () => {
    expect(redactSecrets("a database error", ["a", "ab", ""])).toBe("a database error");
  });
});
