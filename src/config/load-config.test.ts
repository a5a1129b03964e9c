import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { ExitCode } from "../errors/exit-code.js";
import { loadConfig, parseConfig } from "./load-config.js";

/** The example of SPEC §8, verbatim. */
const specExample = `
[project]
migrations = "migrations"
format = "auto"
schemas = ["public"]          # schemas drydock snapshots and verifies
search_path = ["public"]
prelude = []                  # SQL applied to sandboxes before migrations (roles, platform shims)
seed = []                     # data for rehearsals from empty
preset = ""                   # "supabase": auth/storage shims and roles in sandboxes
external = []                 # objects provided outside the migrations, e.g. "auth.users"
variables = {}                # psql-style placeholders, e.g. { DATABASE_OWNER = "app" }

[env.staging]
url = "\${STAGING_DATABASE_URL}"   # \${VAR} expands from the environment (and .env)
backup = true

[env.production]
url = "\${DATABASE_URL}"
backup = "required"
require_rehearsal = "staging"
require_approval = true
window = "02:00-04:00 UTC"

[apply]
lock_timeout = "3s"
lock_retries = 5
lock_wait = "60s"
statement_timeout = "0"
transaction = "per-migration"
on_verify_failure = "rollback"
backup_dir = ".drydock/backups"
long_transaction = "5m"       # pre-flight: open transactions older than this block the apply

[lint]
fail_on = "error"
server_version = 15           # assumed by version-aware rules when no target is connected
[lint.rules]
drop-column = "warning"

[checks]
fk_indexed = "warn"           # or "fail"

[checks.rls]
schemas = ["public"]          # default: [] (no RLS requirement); ["public"] with preset "supabase"
force = []

[[checks.isolation]]
name = "org 1 sees only org 1"
role = "authenticated"
settings = { "request.jwt.claims" = '{"sub":"11111111-1111-1111-1111-111111111111"}' }
tenant_column = "org_id"
tenant_value = "1"
tables = ["public.*"]

[[checks.invariant]]
name = "no project without organization"
sql = "select count(*) from public.projects where org_id is null"
expect = 0

[[checks.benchmark]]
name = "project list"
sql = "select * from public.projects where org_id = 1 order by created_at desc limit 50"
budget_ms = 100
max_regression = "10%"

[gates]
require_reversible = false
max_lint_severity = "warning"
`;

function errorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("parseConfig", () => {
  it("reads the full example of SPEC §8", () => {
    const config = parseConfig(specExample, "drydock.toml");
    expect(config.project).toEqual({
      migrations: "migrations",
      format: "auto",
      schemas: ["public"],
      search_path: ["public"],
      prelude: [],
      seed: [],
      preset: "",
      external: [],
      variables: {},
    });
    expect(config.env).toEqual({
      staging: { url: "${STAGING_DATABASE_URL}", backup: true, require_approval: false },
      production: {
        url: "${DATABASE_URL}",
        backup: "required",
        require_rehearsal: "staging",
        require_approval: true,
        window: "02:00-04:00 UTC",
      },
    });
    expect(config.apply).toEqual({
      lock_timeout: "3s",
      lock_retries: 5,
      lock_wait: "60s",
      statement_timeout: "0",
      transaction: "per-migration",
      on_verify_failure: "rollback",
      backup_dir: ".drydock/backups",
      long_transaction: "5m",
    });
    expect(config.lint).toEqual({ fail_on: "error", server_version: 15, rules: { "drop-column": "warning" } });
    expect(config.checks.fk_indexed).toBe("warn");
    expect(config.checks.rls).toEqual({ schemas: ["public"], force: [] });
    expect(config.checks.isolation).toEqual([
      {
        name: "org 1 sees only org 1",
        role: "authenticated",
        settings: { "request.jwt.claims": '{"sub":"11111111-1111-1111-1111-111111111111"}' },
        tenant_column: "org_id",
        tenant_value: "1",
        tables: ["public.*"],
      },
    ]);
    expect(config.checks.invariant).toEqual([
      { name: "no project without organization", sql: "select count(*) from public.projects where org_id is null", expect: 0 },
    ]);
    expect(config.checks.benchmark).toEqual([
      {
        name: "project list",
        sql: "select * from public.projects where org_id = 1 order by created_at desc limit 50",
        budget_ms: 100,
        max_regression: "10%",
      },
    ]);
    expect(config.gates).toEqual({ require_reversible: false, max_lint_severity: "warning" });
  });

  it("fills every key with its default for an empty file", () => {
    const config = parseConfig("", "drydock.toml");
    expect(config.project.migrations).toBe("migrations");
    expect(config.project.schemas).toEqual(["public"]);
    expect(config.env).toEqual({});
    expect(config.apply).toMatchObject({ lock_timeout: "3s", lock_retries: 5, lock_wait: "60s", transaction: "per-migration" });
    expect(config.lint).toEqual({ fail_on: "error", server_version: 15, rules: {} });
    expect(config.checks).toEqual({ fk_indexed: "warn", rls: { force: [] }, isolation: [], invariant: [], benchmark: [] });
  });

  it("turns numbers and booleans in [project.variables] into strings", () => {
    const config = parseConfig('[project]\nvariables = { OWNER = "app", LIMIT = 10, ON = true }\n', "drydock.toml");
    expect(config.project.variables).toEqual({ OWNER: "app", LIMIT: "10", ON: "true" });
  });

  it("names an unknown top-level key and the file", () => {
    const error = errorOf(() => parseConfig('[projet]\nmigrations = "db"\n', "config/drydock.toml"));
    expect(error.message).toBe("config/drydock.toml: unknown key projet");
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.details.hint).toContain("docs/configuration.md");
  });

  it("names an unknown nested key with its table and the file", () => {
    const error = errorOf(() => parseConfig('[apply]\nlock_timout = "3s"\n', "drydock.toml"));
    expect(error.message).toBe("drydock.toml: unknown key apply.lock_timout");
  });

  it("names an unknown key inside an environment", () => {
    const error = errorOf(() => parseConfig('[env.production]\nurll = "postgres://h/db"\n', "drydock.toml"));
    expect(error.message).toBe("drydock.toml: unknown key env.production.urll");
  });

  it("names every unknown key of one table", () => {
    const error = errorOf(() => parseConfig('[gates]\nrequire_reversable = true\nmax_severity = "error"\n', "drydock.toml"));
    expect(error.message).toBe("drydock.toml: unknown keys gates.require_reversable, gates.max_severity");
  });

  it("names the key of a value with the wrong type", () => {
    const error = errorOf(() => parseConfig('[apply]\nlock_retries = "five"\n', "drydock.toml"));
    expect(error.message).toMatch(/^drydock\.toml: apply\.lock_retries: .*expected number, received string/i);
    expect(error.exitCode).toBe(ExitCode.BadInput);
  });

  it("names the key of a malformed duration", () => {
    const error = errorOf(() => parseConfig('[apply]\nlock_timeout = "3 seconds"\n', "drydock.toml"));
    expect(error.message).toBe('drydock.toml: apply.lock_timeout: expected a duration such as "3s", "500ms", "5m" or "0"');
  });

  it("names the key of a value outside its choices", () => {
    const error = errorOf(() => parseConfig('[apply]\ntransaction = "none"\n', "drydock.toml"));
    expect(error.message).toMatch(/^drydock\.toml: apply\.transaction: .*"per-migration".*"all"/);
  });

  it("names a key inside an array of tables by its index", () => {
    const error = errorOf(() => parseConfig('[[checks.invariant]]\nname = "x"\nexpect = 0\n', "drydock.toml"));
    expect(error.message).toMatch(/^drydock\.toml: checks\.invariant\.0\.sql: /);
  });

  it("gives the line and column of a TOML syntax error, on one line of message", () => {
    const text = '[project]\nmigrations = "db"\nschemas = = ["public"]\n';
    const error = errorOf(() => parseConfig(text, "drydock.toml"));
    expect(error.message).toBe("drydock.toml is not valid TOML: Invalid TOML document: invalid value");
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.details.location).toEqual({ file: "drydock.toml", line: 3, column: 11 });
    expect(error.details.sourceLine).toBe('schemas = = ["public"]');
  });

  it("points at the offending character of an unquoted duration", () => {
    const error = errorOf(() => parseConfig("[apply]\r\nlock_timeout = 3s\r\n", "drydock.toml"));
    // "3" starts a number; the "s" at column 17 is what TOML refuses.
    expect(error.details.location).toEqual({ file: "drydock.toml", line: 2, column: 17 });
    expect(error.details.sourceLine).toBe("lock_timeout = 3s");
  });
});

describe("loadConfig", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "drydock-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads and validates a file", async () => {
    await writeFile(join(dir, "drydock.toml"), '[project]\nmigrations = "db/migrations"\n');
    const config = await loadConfig(join(dir, "drydock.toml"), "drydock.toml");
    expect(config.project.migrations).toBe("db/migrations");
  });

  it("names a file that cannot be read", async () => {
    await expect(loadConfig(join(dir, "missing.toml"), "missing.toml")).rejects.toThrow("cannot read the configuration file missing.toml");
  });
});
