import { en } from "zod/locales";
import * as z from "zod/mini";
import { migrationFormats } from "../model/migration.js";

// zod/mini, with only the English messages: the full zod and all its locales cost every command
// ~50 ms of start-up (bench/RESULTS.md), for a schema that needs none of the chained API.
z.config(en());

/** "3s", "500ms", "5m", "1h" or "0" (no limit), as PostgreSQL's timeout settings accept them. */
export const durationPattern = /^(0|\d+(\.\d+)?\s*(ms|s|min|m|h))$/;
const duration = z.string().check(z.regex(durationPattern, { message: 'expected a duration such as "3s", "500ms", "5m" or "0"' }));
const severity = z.enum(["error", "warning", "info"]);
const stringList = z.array(z.string());
/** A scalar written as TOML string, number or boolean, kept as its text. */
const asText = <Scalar extends string | number | boolean>() => z.transform((value: Scalar) => String(value));

const projectSchema = z.strictObject({
  migrations: z._default(z.string(), "migrations"),
  format: z._default(z.enum(["auto", ...migrationFormats]), "auto"),
  schemas: z._default(stringList, ["public"]),
  search_path: z._default(stringList, ["public"]),
  prelude: z._default(stringList, []),
  seed: z._default(stringList, []),
  preset: z._default(z.enum(["", "supabase"]), ""),
  external: z._default(stringList, []),
  variables: z._default(
    z.record(z.string(), z.pipe(z.union([z.string(), z.number(), z.boolean()]), asText<string | number | boolean>())),
    {},
  ),
});

const envSchema = z.strictObject({
  url: z.optional(z.string()),
  backup: z._default(z.union([z.boolean(), z.literal("required")]), false),
  require_rehearsal: z.optional(z.string()),
  require_approval: z._default(z.boolean(), false),
  window: z.optional(z.string()),
});

const applySchema = z.strictObject({
  lock_timeout: z._default(duration, "3s"),
  lock_retries: z._default(z.int().check(z.minimum(0), z.maximum(100)), 5),
  lock_wait: z._default(duration, "60s"),
  statement_timeout: z._default(duration, "0"),
  transaction: z._default(z.enum(["per-migration", "all"]), "per-migration"),
  on_verify_failure: z._default(z.enum(["rollback", "stop"]), "rollback"),
  backup_dir: z._default(z.string(), ".drydock/backups"),
  long_transaction: z._default(duration, "5m"),
});

const lintSchema = z.strictObject({
  fail_on: z._default(severity, "error"),
  server_version: z._default(z.int().check(z.minimum(9), z.maximum(99)), 15),
  rules: z._default(z.record(z.string(), z.enum(["error", "warning", "info", "off"])), {}),
});

const isolationSchema = z.strictObject({
  name: z.string(),
  role: z.string(),
  settings: z._default(z.record(z.string(), z.string()), {}),
  tenant_column: z.string(),
  tenant_value: z.pipe(z.union([z.string(), z.number()]), asText<string | number>()),
  tables: z._default(stringList, []),
});

const invariantSchema = z.strictObject({
  name: z.string(),
  sql: z.string(),
  expect: z.union([z.number(), z.string(), z.boolean()]),
});

const benchmarkSchema = z.strictObject({
  name: z.string(),
  sql: z.string(),
  budget_ms: z.optional(z.number().check(z.positive())),
  max_regression: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?%$/, { message: 'expected a percentage such as "10%"' }))),
});

const checksSchema = z.strictObject({
  fk_indexed: z._default(z.enum(["warn", "fail"]), "warn"),
  rls: z._default(z.strictObject({ schemas: z.optional(stringList), force: z._default(stringList, []) }), { force: [] }),
  isolation: z._default(z.array(isolationSchema), []),
  invariant: z._default(z.array(invariantSchema), []),
  benchmark: z._default(z.array(benchmarkSchema), []),
});

const gatesSchema = z.strictObject({
  require_reversible: z._default(z.boolean(), false),
  max_lint_severity: z._default(severity, "warning"),
});

/** drydock.toml (SPEC §8). Keys keep their TOML spelling so the file and the object read alike. */
export const configSchema = z.strictObject({
  project: z._default(projectSchema, projectSchema.parse({})),
  env: z._default(z.record(z.string(), envSchema), {}),
  apply: z._default(applySchema, applySchema.parse({})),
  lint: z._default(lintSchema, lintSchema.parse({})),
  checks: z._default(checksSchema, checksSchema.parse({})),
  gates: z._default(gatesSchema, gatesSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
export type EnvConfig = z.infer<typeof envSchema>;

/** The schemas whose tables must have row-level security: `checks.rls.schemas`, else `public` with the Supabase preset, else none. */
export function rlsSchemasOf(config: Config): string[] {
  return config.checks.rls.schemas ?? (config.project.preset === "supabase" ? ["public"] : []);
}
