import { lockModes } from "../model/analysis.js";

const count = { type: "integer", minimum: 0 } as const;
const durationMs = { type: "number", minimum: 0 } as const;
const text = { type: "string" } as const;
const texts = { type: "array", items: text } as const;
const position = { type: "integer", minimum: 1 } as const;

const stats = {
  type: "object",
  required: [
    "tables",
    "columns",
    "foreign_keys",
    "indexes",
    "policies",
    "rls_tables",
    "functions",
    "views",
    "triggers",
    "size_bytes",
    "rows",
  ],
  properties: {
    tables: count,
    columns: count,
    foreign_keys: count,
    indexes: count,
    policies: count,
    rls_tables: count,
    functions: count,
    views: count,
    triggers: count,
    size_bytes: count,
    rows: count,
  },
} as const;

const planFinding = {
  type: "object",
  required: ["kind", "severity", "file", "line", "column", "message", "version"],
  properties: {
    kind: text,
    severity: { enum: ["error", "warning", "info"] },
    file: text,
    line: position,
    column: position,
    message: text,
    version: text,
  },
} as const;

const stepError = {
  type: "object",
  required: ["sqlstate", "message", "file", "line", "column", "hint"],
  properties: {
    sqlstate: text,
    message: text,
    file: text,
    line: position,
    column: position,
    hint: { type: ["string", "null"] },
  },
} as const;

const step = {
  type: "object",
  required: ["version", "name", "status", "duration_ms", "locks", "changes", "predicted_mismatch", "error"],
  properties: {
    version: text,
    name: text,
    status: { enum: ["applied", "failed", "not-run"] },
    duration_ms: durationMs,
    locks: {
      type: "array",
      items: { type: "object", required: ["relation", "mode"], properties: { relation: text, mode: { enum: [...lockModes] } } },
    },
    changes: {
      type: "object",
      required: ["created", "altered", "dropped"],
      properties: { created: texts, altered: texts, dropped: texts },
    },
    predicted_mismatch: texts,
    error: { anyOf: [{ type: "null" }, stepError] },
  },
} as const;

const check = {
  type: "object",
  required: ["id", "status", "summary", "observed"],
  properties: {
    id: { type: "string", pattern: "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$" },
    status: { enum: ["pass", "fail", "warn", "skip"] },
    summary: text,
    observed: { type: "object" },
  },
} as const;

/**
 * JSON Schema (draft 2020-12) of the contract keys of `report.json` (SPEC §9). Other keys are
 * allowed: a report may carry extensions (lint findings, stage timings, the sandbox), and
 * readers must ignore what they do not know.
 */
export const reportSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "drydock report.json",
  type: "object",
  required: [
    "tool",
    "kind",
    "env",
    "target",
    "plan",
    "steps",
    "checks",
    "rollback",
    "stats",
    "decision",
    "started_at",
    "finished_at",
    "duration_ms",
  ],
  properties: {
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "drydock" }, version: text } },
    kind: { enum: ["rehearsal", "apply", "verify"] },
    env: text,
    target: {
      type: "object",
      required: ["engine", "server_version", "url_redacted"],
      properties: { engine: text, server_version: text, url_redacted: text },
    },
    plan: {
      type: "object",
      required: ["hash", "migrations", "findings"],
      properties: {
        hash: text,
        migrations: { type: "array", items: { type: "object", required: ["version", "name"], properties: { version: text, name: text } } },
        findings: { type: "array", items: planFinding },
      },
    },
    steps: { type: "array", items: step },
    checks: { type: "array", items: check },
    rollback: {
      type: "object",
      required: ["status", "details"],
      properties: { status: { enum: ["pass", "fail", "irreversible", "skip"] }, details: texts },
    },
    stats: { type: "object", required: ["before", "after"], properties: { before: stats, after: stats } },
    decision: {
      type: "object",
      required: ["verdict", "reasons", "risk"],
      properties: { verdict: { enum: ["GO", "NO-GO"] }, reasons: texts, risk: { enum: ["low", "medium", "high"] } },
    },
    started_at: { type: "string", format: "date-time" },
    finished_at: { type: "string", format: "date-time" },
    duration_ms: durationMs,
  },
} as const;
