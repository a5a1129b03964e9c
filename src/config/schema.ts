import { z } from "zod";
import { migrationFormats } from "../model/migration.js";

/** "3s", "500ms", "5m", "1h" or "0" (no limit), as PostgreSQL's timeout settings accept them. */
export const durationPattern = /^(0|\d+(\.\d+)?\s*(ms|s|min|m|h))$/;
const duration = z.string().regex(durationPattern, { message: 'expected a duration such as "3s", "500ms", "5m" or "0"' });
const severity = z.enum(["error", "warning", "info"]);
const stringList = z.array(z.string());

const projectSchema = z.strictObject({
  migrations: z.string().default("migrations"),
  format: z.enum(["auto", ...migrationFormats]).default("auto"),
  schemas: stringList.default(["public"]),
  search_path: stringList.default(["public"]),
  prelude: stringList.default([]),
  seed: stringList.default([]),
  preset: z.enum(["", "supabase"]).default(""),
  external: stringList.default([]),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

const envSchema = z.strictObject({
  url: z.string().optional(),
  backup: z.union([z.boolean(), z.literal("required")]).default(false),
  require_rehearsal: z.string().optional(),
  require_approval: z.boolean().default(false),
  window: z.string().optional(),
});

const applySchema = z.strictObject({
  lock_timeout: duration.default("3s"),
  lock_retries: z.number().int().min(0).max(100).default(5),
  lock_wait: duration.default("60s"),
  statement_timeout: duration.default("0"),
  transaction: z.enum(["per-migration", "all"]).default("per-migration"),
  on_verify_failure: z.enum(["rollback", "stop"]).default("rollback"),
  backup_dir: z.string().default(".drydock/backups"),
  long_transaction: duration.default("5m"),
});

const lintSchema = z.strictObject({
  fail_on: severity.default("error"),
  server_version: z.number().int().min(9).max(99).default(15),
  rules: z.record(z.string(), z.enum(["error", "warning", "info", "off"])).default({}),
});

const isolationSchema = z.strictObject({
  name: z.string(),
  role: z.string(),
  settings: z.record(z.string(), z.string()).default({}),
  tenant_column: z.string(),
  tenant_value: z.union([z.string(), z.number()]).transform(String),
  tables: stringList.default([]),
});

const invariantSchema = z.strictObject({
  name: z.string(),
  sql: z.string(),
  expect: z.union([z.number(), z.string(), z.boolean()]),
});

const benchmarkSchema = z.strictObject({
  name: z.string(),
  sql: z.string(),
  budget_ms: z.number().positive().optional(),
  max_regression: z
    .string()
    .regex(/^\d+(\.\d+)?%$/, { message: 'expected a percentage such as "10%"' })
    .optional(),
});

const checksSchema = z.strictObject({
  fk_indexed: z.enum(["warn", "fail"]).default("warn"),
  rls: z.strictObject({ schemas: stringList.optional(), force: stringList.default([]) }).default({ force: [] }),
  isolation: z.array(isolationSchema).default([]),
  invariant: z.array(invariantSchema).default([]),
  benchmark: z.array(benchmarkSchema).default([]),
});

const gatesSchema = z.strictObject({
  require_reversible: z.boolean().default(false),
  max_lint_severity: severity.default("warning"),
});

/** drydock.toml (SPEC §8). Keys keep their TOML spelling so the file and the object read alike. */
export const configSchema = z.strictObject({
  project: projectSchema.default(projectSchema.parse({})),
  env: z.record(z.string(), envSchema).default({}),
  apply: applySchema.default(applySchema.parse({})),
  lint: lintSchema.default(lintSchema.parse({})),
  checks: checksSchema.default(checksSchema.parse({})),
  gates: gatesSchema.default(gatesSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
export type EnvConfig = z.infer<typeof envSchema>;

/** The schemas whose tables must have row-level security: `checks.rls.schemas`, else `public` with the Supabase preset, else none. */
export function rlsSchemasOf(config: Config): string[] {
  return config.checks.rls.schemas ?? (config.project.preset === "supabase" ? ["public"] : []);
}
