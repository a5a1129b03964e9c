#!/usr/bin/env node
// Deterministic generator of a large, realistic PostgreSQL schema (tables with tenant columns,
// foreign keys, partial and unique indexes, checks, identity columns, enums and domains;
// plpgsql, SQL and SQL-standard functions, some SECURITY DEFINER with a search_path; views over
// tables and over other views, materialized views; row-level security and policies; triggers;
// comments; grants), and of a modified copy of it with a realistic set of changes. Used by
// snapshot-benchmark.mjs; from the command line it writes the SQL to stdout or a file:
//
//   node bench/generate-large-schema.mjs [--tables 2000] [--functions 500] [--views 300] [--seed 1]
//     [--modified] [--out FILE] [--stats]
//
// The schema is built as a model first and rendered to SQL afterwards, so the modified copy is a
// whole schema of its own (what `pg_dump` of a changed database would give), not a list of ALTER
// statements: it is the target a schema diff has to reach. The same options and seed give
// byte-identical SQL.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { integer, parseCommandLine, text, toggle } from "./command-line.mjs";

/** Roles the grants and policies name. Roles belong to the cluster: the SQL creates them only if missing. */
export const ROLES = { app: "drydock_bench_app", readonly: "drydock_bench_readonly", admin: "drydock_bench_admin" };

/** The schemas the generated objects live in (besides `public`, which stays empty). */
export const SCHEMAS = ["core", "sales", "inventory", "billing", "support", "analytics"];

const NOUNS = {
  core: ["users", "teams", "memberships", "api_keys", "settings", "feature_flags", "notifications", "sessions", "invitations", "webhooks"],
  sales: [
    "customers",
    "leads",
    "opportunities",
    "quotes",
    "quote_lines",
    "orders",
    "order_lines",
    "contracts",
    "campaigns",
    "territories",
    "discounts",
    "price_lists",
    "price_items",
    "commissions",
    "forecasts",
  ],
  inventory: [
    "products",
    "variants",
    "warehouses",
    "locations",
    "stock_levels",
    "stock_moves",
    "suppliers",
    "purchase_orders",
    "po_lines",
    "shipments",
    "shipment_items",
    "returns",
    "lots",
    "serials",
    "bins",
  ],
  billing: [
    "accounts",
    "invoices",
    "invoice_lines",
    "payments",
    "refunds",
    "credit_notes",
    "subscriptions",
    "plans",
    "usage_records",
    "tax_rates",
    "ledgers",
    "ledger_entries",
    "payouts",
    "disputes",
    "coupons",
  ],
  support: [
    "tickets",
    "comments",
    "agents",
    "queues",
    "slas",
    "macros",
    "labels",
    "surveys",
    "articles",
    "escalations",
    "ticket_events",
    "channels",
  ],
  analytics: [
    "events",
    "visits",
    "page_views",
    "funnels",
    "funnel_steps",
    "cohorts",
    "metrics",
    "dashboards",
    "widgets",
    "reports",
    "exports",
    "segments",
  ],
};

const ENUMS = {
  core: [{ name: "record_status", labels: ["draft", "active", "suspended", "archived"] }],
  sales: [
    { name: "deal_stage", labels: ["new", "qualified", "proposal", "won", "lost"] },
    { name: "record_status", labels: ["draft", "active", "archived"] },
  ],
  inventory: [{ name: "record_status", labels: ["planned", "active", "discontinued", "archived"] }],
  billing: [
    { name: "record_status", labels: ["draft", "open", "paid", "void", "archived"] },
    { name: "payment_method", labels: ["card", "transfer", "direct_debit", "wallet"] },
  ],
  support: [{ name: "record_status", labels: ["open", "pending", "solved", "closed", "archived"] }],
  analytics: [{ name: "record_status", labels: ["collecting", "active", "archived"] }],
};

/** Column templates: name, type, NOT NULL, default, an optional check, and whether a diff may drop or retype it. */
const COLUMN_TEMPLATES = [
  { name: "name", type: "text", notNull: true, check: "char_length(name) BETWEEN 1 AND 200" },
  { name: "title", type: "varchar(200)", notNull: true, retype: "text" },
  { name: "code", type: "varchar(32)", notNull: true, retype: "varchar(64)" },
  { name: "description", type: "text", optional: true },
  { name: "status", type: "@status", notNull: true, default: "@status_default" },
  { name: "amount", type: "numeric(14,2)", notNull: true, default: "0", check: "amount >= 0" },
  { name: "currency", type: "char(3)", notNull: true, default: "'USD'::bpchar", check: "currency ~ '^[A-Z]{3}$'::text" },
  { name: "quantity", type: "integer", notNull: true, default: "0", check: "quantity >= 0", retype: "bigint" },
  { name: "priority", type: "smallint", notNull: true, default: "3", check: "priority BETWEEN 1 AND 5", retype: "integer" },
  { name: "email", type: "core.email" },
  { name: "phone", type: "varchar(32)", optional: true, retype: "text" },
  { name: "is_active", type: "boolean", notNull: true, default: "true" },
  { name: "metadata", type: "jsonb", notNull: true, default: "'{}'::jsonb", optional: true },
  { name: "tags", type: "text[]", notNull: true, default: "'{}'::text[]", optional: true },
  { name: "score", type: "double precision", optional: true },
  { name: "external_ref", type: "uuid", optional: true },
  { name: "due_on", type: "date", optional: true },
  { name: "sort_order", type: "integer", notNull: true, default: "0", optional: true },
  { name: "revision", type: "integer", notNull: true, default: "1", optional: true },
  { name: "notes", type: "text", optional: true },
  { name: "website", type: "text", check: "website ~ '^https?://'::text", optional: true },
  { name: "discount_pct", type: "core.percentage", optional: true },
  { name: "price", type: "core.money_amount" },
  { name: "starts_at", type: "timestamptz" },
];

/** Columns a modified schema adds at the end of a table. */
const ADDED_COLUMNS = [
  { name: "archived_at", type: "timestamptz" },
  { name: "region", type: "varchar(16)", notNull: true, default: "'eu'::character varying" },
  { name: "source", type: "text", default: "'web'::text" },
  { name: "risk_score", type: "integer", check: "risk_score BETWEEN 0 AND 100" },
  { name: "locale", type: "varchar(10)", notNull: true, default: "'en'::character varying" },
  { name: "settings", type: "jsonb" },
];

const MAX_IDENT = 63;

// ---- deterministic randomness -----------------------------------------------------------------

/** A small seeded PRNG (mulberry32) with the helpers the generator needs. */
class Random {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Up to `n` distinct items, in a random order. */
  sample(items, n) {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
  weighted(entries) {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [value, w] of entries) {
      x -= w;
      if (x < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

/** A name PostgreSQL keeps as it is: past 63 bytes it would truncate, and truncations may collide. */
function ident(name) {
  if (name.length <= MAX_IDENT) return name;
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `${name.slice(0, MAX_IDENT - 9)}_${h.toString(16).padStart(8, "0")}`;
}

const literal = (text) => `'${text.replaceAll("'", "''")}'`;
const singular = (noun) =>
  noun
    .replace(/ies$/, "y")
    .replace(/(ss|sh|ch|x)es$/, "$1")
    .replace(/s$/, "");

// ---- model ------------------------------------------------------------------------------------

/**
 * Builds the model of the base schema. Tables come first (foreign keys point at earlier tables
 * only, so they are created in order), then functions and views, which only reference tables
 * and views made before them.
 */
function buildModel({ tables: tableCount, functions: functionCount, views: viewCount, seed }) {
  const rng = new Random(seed * 2654435761 + 1);
  const model = {
    schemas: SCHEMAS.map((name) => ({ name, comment: `${name} module` })),
    enums: [],
    domains: [
      { schema: "core", name: "email", base: "text", check: "VALUE ~* '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'::text", notNull: false },
      { schema: "core", name: "money_amount", base: "numeric(14,2)", check: "VALUE >= 0::numeric", notNull: false },
      { schema: "core", name: "percentage", base: "numeric(5,2)", check: "VALUE >= 0::numeric AND VALUE <= 100::numeric", notNull: false },
    ],
    sequences: SCHEMAS.filter((s) => s !== "core").map((schema) => ({ schema, name: "document_number_seq", start: 1000 })),
    tables: [],
    functions: [],
    views: [],
    names: new Map(), // schema -> Set of relation / index / constraint names taken
    nounUse: new Map(),
  };
  for (const schema of SCHEMAS) for (const e of ENUMS[schema]) model.enums.push({ schema, ...e, labels: [...e.labels] });

  addCoreTables(model);
  const perSchema = distributeTables(tableCount - model.tables.length);
  const order = [];
  for (let round = 0; order.length < tableCount - model.tables.length; round++)
    for (const [schema, n] of perSchema) if (round < n) order.push(schema);
  for (const schema of order) addTable(model, rng, schema, { allowParentsFrom: model.tables });

  addCoreFunctions(model);
  while (model.functions.length < functionCount) addFunction(model, rng);
  while (model.views.length < viewCount) addView(model, rng);
  return model;
}

/** Splits the generated tables over the schemas: core gets a small share, the others the same. */
function distributeTables(total) {
  const coreShare = Math.max(1, Math.round(total * 0.04));
  const others = SCHEMAS.filter((s) => s !== "core");
  const each = Math.floor((total - coreShare) / others.length);
  const result = [["core", coreShare]];
  let left = total - coreShare - each * others.length;
  for (const schema of others) {
    result.push([schema, each + (left > 0 ? 1 : 0)]);
    left--;
  }
  return result;
}

function takeName(model, schema, name) {
  const taken = model.names.get(schema) ?? new Set();
  model.names.set(schema, taken);
  let candidate = ident(name);
  for (let k = 2; taken.has(candidate); k++) candidate = ident(`${name}_${k}`);
  taken.add(candidate);
  return candidate;
}

function column(name, type, extra = {}) {
  return { name, type, notNull: false, default: null, identity: null, used: false, optional: false, retype: null, comment: null, ...extra };
}

function addCoreTables(model) {
  const tenants = newTable(model, "core", "tenants", "bigint");
  tenants.columns.push(
    column("id", "bigint", { notNull: true, identity: "always", used: true }),
    column("name", "text", { notNull: true, used: true }),
    column("slug", "varchar(63)", { notNull: true, used: true }),
    column("plan", "text", { notNull: true, default: "'free'::text", used: true }),
    column("created_at", "timestamptz", { notNull: true, default: "now()", used: true }),
  );
  tenants.uniques.push({ name: "tenants_slug_key", columns: ["slug"] });
  tenants.checks.push({ name: "tenants_plan_check", expr: "plan = ANY (ARRAY['free'::text, 'team'::text, 'enterprise'::text])" });
  tenants.comment = "One customer organisation; every other row belongs to one.";
  tenants.grants.push({ privileges: "SELECT", role: ROLES.app });
  tenants.refs = Number.POSITIVE_INFINITY;

  const audit = newTable(model, "core", "audit_log", "bigint");
  audit.columns.push(
    column("id", "bigint", { notNull: true, identity: "always", used: true }),
    column("tenant_id", "bigint", { used: true }),
    column("table_name", "text", { notNull: true, used: true }),
    column("operation", "text", { notNull: true, used: true }),
    column("row_data", "jsonb", { used: true }),
    column("changed_by", "text", { notNull: true, default: "CURRENT_USER", used: true }),
    column("changed_at", "timestamptz", { notNull: true, default: "now()", used: true }),
  );
  audit.indexes.push(
    tableIndex("audit_log_tenant_changed_idx", "tenant_id, changed_at DESC"),
    tableIndex("audit_log_changed_brin", "changed_at", { method: "brin" }),
  );
  audit.comment = "Row changes written by core.audit_row_change().";
  audit.refs = Number.POSITIVE_INFINITY;
}

function newTable(model, schema, name, idType) {
  const table = {
    schema,
    name: takeName(model, schema, name),
    idType,
    columns: [],
    checks: [],
    uniques: [],
    fks: [],
    indexes: [],
    rls: { enabled: false, forced: false },
    policies: [],
    triggers: [],
    comment: null,
    grants: [],
    refs: 0,
    noun: name,
  };
  model.tables.push(table);
  return table;
}

const qualified = (o) => `${o.schema}.${o.name}`;
/** An index of a table: btree, neither unique nor partial unless `options` say so. */
const tableIndex = (name, keys, { unique = false, method = "btree", where = null } = {}) => ({ name, unique, method, keys, where });
const col = (table, name) => table.columns.find((c) => c.name === name);
const hasCol = (table, name) => table.columns.some((c) => c.name === name);
const markUsed = (table, ...names) => {
  for (const name of names) {
    const c = col(table, name);
    if (c) c.used = true;
  }
};

/** The trigger that writes a table's row changes to core.audit_log. */
const auditTrigger = () => ({
  name: "audit",
  timing: "AFTER",
  events: "INSERT OR UPDATE OR DELETE",
  func: "core.audit_row_change()",
  when: null,
});

/** One tenant-owned table: identity or uuid key, foreign keys to earlier tables, data columns, indexes, RLS, triggers, grants. */
function addTable(model, rng, schema, { allowParentsFrom }) {
  const nouns = NOUNS[schema];
  const noun = rng.pick(nouns);
  const use = (model.nounUse.get(`${schema}.${noun}`) ?? 0) + 1;
  model.nounUse.set(`${schema}.${noun}`, use);
  const idType = rng.chance(0.06) ? "uuid" : "bigint";
  const table = newTable(model, schema, use === 1 ? noun : `${noun}_${use}`, idType);
  const tenants = model.tables[0];

  if (idType === "uuid") table.columns.push(column("id", "uuid", { notNull: true, default: "gen_random_uuid()", used: true }));
  else table.columns.push(column("id", "bigint", { notNull: true, identity: rng.chance(0.88) ? "always" : "by default", used: true }));
  table.columns.push(column("tenant_id", "bigint", { notNull: true, used: true }));
  table.fks.push({ name: ident(`${table.name}_tenant_id_fkey`), column: "tenant_id", parent: tenants, onDelete: "CASCADE" });

  // Parents: mostly recent tables of the same schema (a module's tables reference each other),
  // sometimes any earlier table, sometimes core.users as the creator.
  const sameSchema = allowParentsFrom.filter((t) => t.schema === schema && t !== table && t.refs !== Number.POSITIVE_INFINITY);
  const candidates = [];
  const parentCount = rng.weighted([
    [0, 2],
    [1, 4],
    [2, 3],
    [3, 1],
  ]);
  for (let i = 0; i < parentCount; i++) {
    const pool = rng.chance(0.75) && sameSchema.length ? sameSchema.slice(-40) : allowParentsFrom.slice(2);
    const parent = pool.length ? rng.pick(pool) : null;
    if (parent && parent !== table && !candidates.includes(parent)) candidates.push(parent);
  }
  const users = model.tables.find((t) => t.schema === "core" && t.noun === "users");
  if (users && users !== table && schema !== "core" && rng.chance(0.2) && !candidates.includes(users)) candidates.push(users);
  for (const parent of candidates) {
    let base = `${singular(parent.noun)}${parent.name === parent.noun ? "" : parent.name.slice(parent.noun.length)}_id`;
    if (parent === users) base = "created_by";
    while (hasCol(table, base)) base = `${base}_2`;
    const nullable = rng.chance(0.4);
    table.columns.push(column(base, parent.idType, { notNull: !nullable, used: true }));
    table.fks.push({
      name: ident(`${table.name}_${base}_fkey`),
      column: base,
      parent,
      onDelete: nullable ? "SET NULL" : rng.pick(["CASCADE", "RESTRICT", "NO ACTION"]),
    });
    parent.refs++;
    markUsed(parent, "id");
  }

  const dataCount = rng.int(3, 9);
  for (const template of rng.sample(COLUMN_TEMPLATES, dataCount)) {
    const statusEnum = ENUMS[schema].find((e) => e.name === "record_status");
    const type = template.type === "@status" ? `${schema}.record_status` : template.type;
    const def = template.default === "@status_default" ? `'${statusEnum.labels[1]}'::${schema}.record_status` : (template.default ?? null);
    table.columns.push(
      column(template.name, type, {
        notNull: template.notNull === true,
        default: def,
        optional: template.optional === true,
        retype: template.retype ?? null,
      }),
    );
    if (template.check)
      table.checks.push({ name: ident(`${table.name}_${template.name}_check`), expr: template.check, column: template.name });
  }
  if (hasCol(table, "starts_at") && rng.chance(0.7)) {
    table.columns.push(column("ends_at", "timestamptz"));
    table.checks.push({ name: ident(`${table.name}_period_check`), expr: "ends_at IS NULL OR ends_at > starts_at", column: "ends_at" });
    markUsed(table, "starts_at");
  }
  if (schema !== "core" && rng.chance(0.12)) {
    const seqName = `${schema}.document_number_seq`;
    table.columns.push(column("document_number", "bigint", { notNull: true, default: `nextval('${seqName}'::regclass)`, used: true }));
    table.uniques.push({ name: ident(`${table.name}_document_number_key`), columns: ["document_number"] });
  }
  table.columns.push(
    column("created_at", "timestamptz", { notNull: true, default: "now()", used: true }),
    column("updated_at", "timestamptz", { notNull: true, default: "now()" }),
  );
  if (rng.chance(0.45)) table.columns.push(column("deleted_at", "timestamptz"));

  // Keys and indexes.
  if (hasCol(table, "code")) {
    table.uniques.push({ name: ident(`${table.name}_tenant_code_key`), columns: ["tenant_id", "code"] });
    markUsed(table, "code");
  }
  const addIndex = (suffix, keys, options) => table.indexes.push(tableIndex(ident(`${table.name}_${suffix}`), keys, options));
  addIndex("tenant_created_idx", "tenant_id, created_at DESC");
  for (const fk of table.fks.slice(1)) {
    if (rng.chance(0.85)) addIndex(`${fk.column}_idx`, fk.column);
  }
  const softDelete = hasCol(table, "deleted_at");
  if (hasCol(table, "email")) {
    addIndex("tenant_email_uniq", "tenant_id, lower((email)::text)", { unique: true, where: softDelete ? "deleted_at IS NULL" : null });
    markUsed(table, "email");
  }
  if (hasCol(table, "status") && rng.chance(0.6)) {
    addIndex("open_idx", "tenant_id, status", {
      where: softDelete ? "deleted_at IS NULL" : `status <> 'archived'::${schema}.record_status`,
    });
    markUsed(table, "status", "deleted_at");
  }
  if (hasCol(table, "metadata") && rng.chance(0.25)) {
    addIndex("metadata_gin", "metadata jsonb_path_ops", { method: "gin" });
    markUsed(table, "metadata");
  }
  if (hasCol(table, "tags") && rng.chance(0.3)) {
    addIndex("tags_gin", "tags", { method: "gin" });
    markUsed(table, "tags");
  }
  if (hasCol(table, "due_on") && rng.chance(0.4)) {
    addIndex("due_idx", "due_on", { where: "due_on IS NOT NULL" });
    markUsed(table, "due_on");
  }
  if (rng.chance(0.04)) addIndex("created_brin", "created_at", { method: "brin" });

  // Row-level security: most module tables, a tenant isolation policy and sometimes more.
  if (schema !== "core" || rng.chance(0.5)) {
    if (rng.chance(0.7)) addRowLevelSecurity(table, rng);
  }

  if (rng.chance(0.7))
    table.triggers.push({ name: "set_updated_at", timing: "BEFORE", events: "UPDATE", func: "core.set_updated_at()", when: null });
  if (rng.chance(0.15)) table.triggers.push(auditTrigger());

  table.comment = rng.chance(0.6) ? `${singular(noun).replaceAll("_", " ")} records of the ${schema} module (${table.name})` : null;
  for (const c of table.columns)
    if (rng.chance(0.08)) c.comment = `${c.name.replaceAll("_", " ")} of the ${singular(noun).replaceAll("_", " ")}`;
  if (rng.chance(0.6)) table.grants.push({ privileges: "SELECT, INSERT, UPDATE, DELETE", role: ROLES.app });
  if (rng.chance(0.5)) table.grants.push({ privileges: "SELECT", role: ROLES.readonly });
  if (rng.chance(0.04) && hasCol(table, "notes")) table.grants.push({ privileges: "UPDATE (notes)", role: ROLES.readonly });
  return table;
}

function addRowLevelSecurity(table, rng) {
  table.rls.enabled = true;
  table.rls.forced = rng.chance(0.1);
  const tenantCheck = "(tenant_id = core.current_tenant_id())";
  table.policies.push({
    name: "tenant_isolation",
    command: "ALL",
    permissive: true,
    roles: [ROLES.app],
    using: tenantCheck,
    withCheck: tenantCheck,
  });
  if (rng.chance(0.4))
    table.policies.push({
      name: "readonly_select",
      command: "SELECT",
      permissive: true,
      roles: [ROLES.readonly],
      using: tenantCheck,
      withCheck: null,
    });
  if (hasCol(table, "deleted_at") && rng.chance(0.3)) {
    table.policies.push({
      name: "hide_deleted",
      command: "SELECT",
      permissive: false,
      roles: ["public"],
      using: "(deleted_at IS NULL)",
      withCheck: null,
    });
    markUsed(table, "deleted_at");
  }
  if (hasCol(table, "status") && rng.chance(0.2)) {
    table.policies.push({
      name: "no_archived_update",
      command: "UPDATE",
      permissive: false,
      roles: [ROLES.app],
      using: `(status <> 'archived'::${table.schema}.record_status)`,
      withCheck: null,
    });
    markUsed(table, "status");
  }
  if (rng.chance(0.2))
    table.policies.push({ name: "admin_all", command: "ALL", permissive: true, roles: [ROLES.admin], using: "true", withCheck: null });
}

// ---- functions --------------------------------------------------------------------------------

function newFunction(model, fields) {
  const fn = {
    args: "",
    argTypes: "",
    returns: "void",
    language: "plpgsql",
    volatility: "VOLATILE",
    securityDefiner: false,
    searchPath: null,
    strict: false,
    atomic: false,
    procedure: false,
    comment: null,
    grants: [],
    revokePublic: false,
    uses: 0,
    table: null,
    kind: "utility",
    ...fields,
  };
  fn.name = takeName(model, `${fn.schema}#functions`, fn.name);
  model.functions.push(fn);
  return fn;
}

function addCoreFunctions(model) {
  newFunction(model, {
    schema: "core",
    name: "current_tenant_id",
    returns: "bigint",
    language: "sql",
    volatility: "STABLE",
    body: "SELECT NULLIF(pg_catalog.current_setting('app.tenant_id', true), '')::bigint",
    comment: "The tenant of the session (app.tenant_id), or NULL.",
    uses: Number.POSITIVE_INFINITY,
    kind: "core",
  });
  newFunction(model, {
    schema: "core",
    name: "set_updated_at",
    returns: "trigger",
    body: "BEGIN\n  NEW.updated_at := pg_catalog.now();\n  RETURN NEW;\nEND",
    comment: "BEFORE UPDATE trigger: stamps updated_at.",
    uses: Number.POSITIVE_INFINITY,
    kind: "core",
  });
  newFunction(model, {
    schema: "core",
    name: "audit_row_change",
    returns: "trigger",
    securityDefiner: true,
    searchPath: "pg_catalog, core",
    body: [
      "DECLARE",
      "  v_row jsonb;",
      "BEGIN",
      "  v_row := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;",
      "  INSERT INTO core.audit_log (tenant_id, table_name, operation, row_data)",
      "  VALUES ((v_row ->> 'tenant_id')::bigint, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, v_row);",
      "  RETURN NULL;",
      "END",
    ].join("\n"),
    comment: "AFTER trigger: writes the changed row to core.audit_log.",
    revokePublic: true,
    uses: Number.POSITIVE_INFINITY,
    kind: "core",
  });
  newFunction(model, {
    schema: "core",
    name: "slugify",
    args: "p_text text",
    argTypes: "text",
    returns: "text",
    language: "sql",
    volatility: "IMMUTABLE",
    strict: true,
    atomic: true,
    body: "RETURN lower(regexp_replace(btrim(p_text), '[^a-zA-Z0-9]+'::text, '-'::text, 'g'::text))",
    uses: Number.POSITIVE_INFINITY,
    kind: "core",
  });
}

const tableFunctionKinds = [
  ["validate", 24],
  ["count", 12],
  ["find", 8],
  ["archive", 10],
  ["summary", 10],
  ["exists", 8],
  ["recalculate", 10],
  ["purge", 5],
];

/** One function of a kind drawn by weight, about a random table (or a utility function). */
function addFunction(model, rng) {
  const moduleTables = model.tables.filter((t) => t.refs !== Number.POSITIVE_INFINITY);
  if (rng.chance(0.12)) return addUtilityFunction(model, rng);
  const kind = rng.weighted(tableFunctionKinds);
  const table = rng.pick(moduleTables);
  const t = qualified(table);
  const idArg = table.idType;
  const common = { schema: table.schema, table, kind };
  /** A function that uses `table` (one more thing that keeps it from being dropped). */
  const usingTable = (fields) => {
    table.refs++;
    return newFunction(model, { ...common, ...fields });
  };
  switch (kind) {
    case "validate": {
      if (table.triggers.some((tr) => tr.name === "validate")) return addUtilityFunction(model, rng);
      const checks = ["  IF NEW.tenant_id IS NULL THEN\n    RAISE EXCEPTION 'tenant_id is required on %', TG_TABLE_NAME;\n  END IF;"];
      if (hasCol(table, "name")) checks.push("  NEW.name := btrim(NEW.name);");
      if (hasCol(table, "code")) checks.push("  NEW.code := upper(NEW.code);");
      if (hasCol(table, "amount"))
        checks.push(
          "  IF NEW.amount > 1000000000 THEN\n    RAISE EXCEPTION 'amount % out of range', NEW.amount USING ERRCODE = '22003';\n  END IF;",
        );
      if (hasCol(table, "email")) checks.push("  NEW.email := lower(NEW.email);");
      const fn = newFunction(model, {
        ...common,
        name: `validate_${table.name}`,
        returns: "trigger",
        body: `BEGIN\n${checks.join("\n")}\n  RETURN NEW;\nEND`,
        uses: 1,
      });
      table.triggers.push({
        name: "validate",
        timing: "BEFORE",
        events: "INSERT OR UPDATE",
        func: `${fn.schema}.${fn.name}()`,
        when: null,
      });
      return fn;
    }
    case "count":
      return usingTable({
        name: `count_${table.name}`,
        args: "p_tenant bigint",
        argTypes: "bigint",
        returns: "bigint",
        language: "sql",
        volatility: "STABLE",
        body: `SELECT count(*) FROM ${t} WHERE tenant_id = p_tenant`,
        comment: rng.chance(0.4) ? `Rows of ${t} for one tenant.` : null,
      });
    case "find":
      return usingTable({
        name: `find_${table.name}`,
        args: `p_tenant bigint, p_limit integer DEFAULT 50`,
        argTypes: "bigint, integer",
        returns: `SETOF ${t}`,
        language: "sql",
        volatility: "STABLE",
        body: `SELECT * FROM ${t} WHERE tenant_id = p_tenant ORDER BY created_at DESC LIMIT p_limit`,
      });
    case "archive": {
      if (!hasCol(table, "deleted_at")) return addUtilityFunction(model, rng);
      markUsed(table, "deleted_at");
      return usingTable({
        name: `archive_${table.name}`,
        args: `p_id ${idArg}`,
        argTypes: idArg,
        returns: "boolean",
        securityDefiner: true,
        searchPath: rng.chance(0.5) ? "''" : `pg_catalog, ${table.schema}`,
        body: [
          "DECLARE",
          "  v_count integer;",
          "BEGIN",
          `  UPDATE ${t} SET deleted_at = pg_catalog.now()`,
          "  WHERE id = p_id AND tenant_id = core.current_tenant_id() AND deleted_at IS NULL;",
          "  GET DIAGNOSTICS v_count = ROW_COUNT;",
          "  RETURN v_count > 0;",
          "END",
        ].join("\n"),
        revokePublic: true,
        grants: [{ privileges: "EXECUTE", role: ROLES.app }],
        comment: `Soft-deletes one row of ${t} of the current tenant.`,
      });
    }
    case "summary":
      return usingTable({
        name: `${table.name}_daily_summary`,
        args: "p_tenant bigint, p_days integer DEFAULT 30",
        argTypes: "bigint, integer",
        returns: "TABLE(day date, rows_created bigint)",
        language: "sql",
        volatility: "STABLE",
        body: [
          "SELECT date_trunc('day', created_at)::date AS day, count(*) AS rows_created",
          `FROM ${t}`,
          "WHERE tenant_id = p_tenant AND created_at >= now() - p_days * interval '1 day'",
          "GROUP BY 1 ORDER BY 1",
        ].join("\n"),
      });
    case "exists":
      return usingTable({
        name: `${table.name}_exists`,
        args: `p_tenant bigint, p_id ${idArg}`,
        argTypes: `bigint, ${idArg}`,
        returns: "boolean",
        language: "sql",
        volatility: "STABLE",
        atomic: true,
        body: `BEGIN ATOMIC\n SELECT EXISTS (SELECT 1 FROM ${t} WHERE tenant_id = p_tenant AND id = p_id);\nEND`,
      });
    case "recalculate": {
      const definer = rng.chance(0.2);
      return usingTable({
        name: `recalculate_${table.name}`,
        args: "p_tenant bigint",
        argTypes: "bigint",
        returns: "integer",
        securityDefiner: definer,
        searchPath: definer ? `pg_catalog, ${table.schema}` : null,
        revokePublic: definer,
        body: [
          "DECLARE",
          "  r record;",
          "  v_count integer := 0;",
          "BEGIN",
          `  FOR r IN SELECT id FROM ${t} WHERE tenant_id = p_tenant ORDER BY id LOOP`,
          "    v_count := v_count + 1;",
          "  END LOOP;",
          "  RETURN v_count;",
          "EXCEPTION WHEN others THEN",
          `  RAISE WARNING 'recalculate ${table.name} failed: %', SQLERRM;`,
          "  RETURN -1;",
          "END",
        ].join("\n"),
      });
    }
    case "purge": {
      return usingTable({
        name: `purge_${table.name}`,
        args: "IN p_tenant bigint, IN p_before timestamp with time zone",
        argTypes: "bigint, timestamp with time zone",
        returns: null,
        procedure: true,
        securityDefiner: true,
        searchPath: `pg_catalog, ${table.schema}`,
        revokePublic: true,
        grants: [{ privileges: "EXECUTE", role: ROLES.admin }],
        body: `BEGIN\n  DELETE FROM ${t} WHERE tenant_id = p_tenant AND created_at < p_before;\nEND`,
      });
    }
  }
  throw new Error(`unknown function kind ${kind}`);
}

const UTILITY_BODIES = [
  ["normalize_code", "p_code text", "text", "RETURN upper(btrim(p_code))"],
  ["round_money", "p_value numeric", "numeric", "RETURN round(p_value, 2)"],
  ["clamp_priority", "p_value integer", "integer", "RETURN LEAST(GREATEST(p_value, 1), 5)"],
  [
    "percent_of",
    "p_part numeric, p_total numeric",
    "numeric",
    "RETURN CASE WHEN p_total = (0)::numeric THEN NULL::numeric ELSE round(((p_part * (100)::numeric) / p_total), 2) END",
  ],
  ["week_start", "p_day date", "date", "RETURN (date_trunc('week'::text, (p_day)::timestamp with time zone))::date"],
  ["is_valid_currency", "p_currency text", "boolean", "RETURN (p_currency ~ '^[A-Z]{3}$'::text)"],
];

function addUtilityFunction(model, rng) {
  const schema = rng.pick(SCHEMAS);
  const [base, args, returns, body] = rng.pick(UTILITY_BODIES);
  const argTypes = args
    .split(",")
    .map((a) => a.trim().split(" ").slice(1).join(" "))
    .join(", ");
  const atomic = rng.chance(0.5);
  return newFunction(model, {
    schema,
    name: base,
    args,
    argTypes,
    returns,
    language: atomic ? "sql" : "plpgsql",
    volatility: "IMMUTABLE",
    strict: true,
    atomic,
    body: atomic ? body : `BEGIN\n  ${body.replace(/^RETURN /, "RETURN ")};\nEND`,
    comment: rng.chance(0.3) ? `${base.replaceAll("_", " ")} helper` : null,
  });
}

// ---- views ------------------------------------------------------------------------------------

const dataColumnsOf = (table) =>
  table.columns.filter((c) => !["id", "tenant_id", "created_at", "updated_at", "deleted_at"].includes(c.name) && !c.name.endsWith("_id"));

function newView(model, fields) {
  const view = {
    materialized: false,
    options: [],
    where: null,
    groupBy: null,
    orderBy: null,
    comment: null,
    grants: [],
    deps: [],
    dependents: 0,
    indexes: [],
    kind: "plain",
    ...fields,
  };
  view.name = takeName(model, view.schema, view.name);
  for (const index of view.indexes) index.name = ident(`${view.name}_${index.suffix}`);
  for (const dep of view.deps) {
    if (dep.columns !== undefined && dep.from !== undefined) dep.dependents++;
    else dep.refs++;
  }
  model.views.push(view);
  return view;
}

/** The columns of an aggregate of `table` grouped by tenant: tenant_id, `columns`, then a total of each of its amount, quantity and price. */
function perTenantTotals(table, columns) {
  const sums = ["amount", "quantity", "price"].filter((name) => hasCol(table, name));
  markUsed(table, "tenant_id", "created_at", ...sums);
  return [{ name: "tenant_id", expr: "tenant_id" }, ...columns, ...sums.map((name) => ({ name: `total_${name}`, expr: `sum(${name})` }))];
}

/** One view of a kind drawn by weight: active rows of a table, a join with a parent, a daily aggregate, a view over a view, a materialized view. */
function addView(model, rng) {
  const moduleTables = model.tables.filter((t) => t.refs !== Number.POSITIVE_INFINITY);
  const kind = rng.weighted([
    ["active", 30],
    ["joined", 25],
    ["daily", 18],
    ["over-view", 20],
    ["materialized", 7],
  ]);
  const table = rng.pick(moduleTables);
  const t = qualified(table);
  const grants = rng.chance(0.5) ? [{ privileges: "SELECT", role: ROLES.readonly }] : [];
  const overTable = { schema: table.schema, kind, from: t, deps: [table], base: table, grants };
  switch (kind) {
    case "active": {
      const picked = rng.sample(dataColumnsOf(table), rng.int(1, 4)).map((c) => c.name);
      const columns = ["id", "tenant_id", ...picked, "created_at"].map((name) => ({ name, expr: name }));
      markUsed(table, ...columns.map((c) => c.name));
      const where = hasCol(table, "deleted_at") ? "deleted_at IS NULL" : hasCol(table, "is_active") ? "is_active" : null;
      if (where) markUsed(table, where.split(" ")[0]);
      return newView(model, {
        ...overTable,
        name: `v_${table.name}_active`,
        columns,
        where,
        options: rng.chance(0.5) ? ["security_invoker=true"] : [],
        comment: rng.chance(0.4) ? `Live rows of ${t}.` : null,
      });
    }
    case "joined": {
      const fks = table.fks.slice(1);
      if (fks.length === 0) return addView(model, rng);
      const fk = rng.pick(fks);
      const parent = fk.parent;
      const own = rng.sample(dataColumnsOf(table), rng.int(1, 3)).map((c) => c.name);
      const fromParent = rng.sample(dataColumnsOf(parent), rng.int(0, 2)).map((c) => c.name);
      const columns = [
        { name: "id", expr: "c.id" },
        { name: "tenant_id", expr: "c.tenant_id" },
        ...own.map((name) => ({ name, expr: `c.${name}` })),
        { name: `${fk.column.replace(/_id$/, "")}_ref`, expr: "p.id" },
        ...fromParent.map((name) => ({ name: `parent_${name}`, expr: `p.${name}` })),
        { name: "created_at", expr: "c.created_at" },
      ];
      markUsed(table, "id", "tenant_id", "created_at", fk.column, ...own);
      markUsed(parent, "id", ...fromParent);
      return newView(model, {
        ...overTable,
        name: `v_${table.name}_with_${fk.column.replace(/_id$/, "")}`,
        columns,
        from: `${t} c\n     ${fk.onDelete === "SET NULL" ? "LEFT " : ""}JOIN ${qualified(parent)} p ON p.id = c.${fk.column}`,
        deps: [table, parent],
        options: rng.chance(0.3) ? ["security_barrier=true"] : [],
        comment: rng.chance(0.3) ? `${t} with its ${singular(parent.noun)}.` : null,
      });
    }
    case "daily":
      return newView(model, {
        ...overTable,
        name: `v_${table.name}_daily`,
        columns: perTenantTotals(table, [
          { name: "day", expr: "date_trunc('day', created_at)" },
          { name: "row_count", expr: "count(*)" },
        ]),
        groupBy: "tenant_id, date_trunc('day', created_at)",
        comment: rng.chance(0.3) ? `Rows of ${t} per tenant and day.` : null,
      });
    case "over-view": {
      const bases = model.views.filter((v) => !v.materialized && v.kind !== "over-view-2");
      if (bases.length === 0) return addView(model, rng);
      const base = rng.pick(bases.slice(-60));
      const depth = base.kind.startsWith("over-view") ? "over-view-2" : "over-view";
      const b = qualified(base);
      const overView = { schema: base.schema, kind: depth, from: b, deps: [base], base, grants };
      if (base.kind === "daily" || base.columns.some((c) => c.name === "month")) {
        const columns = [
          { name: "tenant_id", expr: "tenant_id" },
          { name: "month", expr: base.columns.some((c) => c.name === "month") ? "month" : "date_trunc('month', day)" },
          { name: "row_count", expr: "sum(row_count)" },
        ];
        return newView(model, { ...overView, name: `${base.name}_monthly`, columns, groupBy: `tenant_id, ${columns[1].expr}` });
      }
      const keep = base.columns.filter((c) => c.name !== "tenant_id" || rng.chance(0.8));
      const columns = keep.map((c) => ({ name: c.name, expr: c.name }));
      if (!columns.some((c) => c.name === "created_at")) return addView(model, rng);
      return newView(model, {
        ...overView,
        name: `${base.name}_recent`,
        columns,
        where: "created_at > (now() - '30 days'::interval)",
        options: rng.chance(0.3) ? ["security_invoker=true"] : [],
        comment: rng.chance(0.3) ? `The last 30 days of ${b}.` : null,
      });
    }
    case "materialized":
      return newView(model, {
        ...overTable,
        name: `mv_${table.name}_totals`,
        materialized: true,
        columns: perTenantTotals(table, [
          { name: "row_count", expr: "count(*)" },
          { name: "last_created_at", expr: "max(created_at)" },
        ]),
        groupBy: "tenant_id",
        indexes: [{ suffix: "tenant_key", unique: true, keys: "tenant_id" }],
      });
  }
  throw new Error(`unknown view kind ${kind}`);
}

// ---- the modified copy ------------------------------------------------------------------------

const clone = (model) => {
  // Tables and views reference each other (foreign keys, view dependencies): copy them keeping
  // the references inside the copy.
  const tableCopy = new Map(model.tables.map((t) => [t, { ...t }]));
  const viewCopy = new Map(model.views.map((v) => [v, { ...v }]));
  const mapRef = (o) => tableCopy.get(o) ?? viewCopy.get(o) ?? o;
  for (const [, t] of tableCopy) {
    t.columns = t.columns.map((c) => ({ ...c }));
    t.checks = t.checks.map((c) => ({ ...c }));
    t.uniques = t.uniques.map((u) => ({ ...u }));
    t.fks = t.fks.map((fk) => ({ ...fk, parent: mapRef(fk.parent) }));
    t.indexes = t.indexes.map((i) => ({ ...i }));
    t.rls = { ...t.rls };
    t.policies = t.policies.map((p) => ({ ...p, roles: [...p.roles] }));
    t.triggers = t.triggers.map((tr) => ({ ...tr }));
    t.grants = t.grants.map((g) => ({ ...g }));
  }
  for (const [, v] of viewCopy) {
    v.columns = v.columns.map((c) => ({ ...c }));
    v.deps = v.deps.map(mapRef);
    v.base = mapRef(v.base);
    v.options = [...v.options];
    v.grants = v.grants.map((g) => ({ ...g }));
    v.indexes = v.indexes.map((i) => ({ ...i }));
  }
  return {
    ...model,
    schemas: model.schemas.map((s) => ({ ...s })),
    enums: model.enums.map((e) => ({ ...e, labels: [...e.labels] })),
    domains: model.domains.map((d) => ({ ...d })),
    sequences: model.sequences.map((s) => ({ ...s })),
    tables: model.tables.map(mapRef),
    views: model.views.map(mapRef),
    functions: model.functions.map((f) => ({ ...f, table: f.table ? mapRef(f.table) : null, grants: f.grants.map((g) => ({ ...g })) })),
    names: new Map([...model.names].map(([k, v]) => [k, new Set(v)])),
    nounUse: new Map(model.nounUse),
  };
};

/**
 * A copy of the model with the changes a few weeks of development make, scaled to the size of
 * the schema (the counts below are for 2,000 tables): tables dropped and added, columns added,
 * dropped, retyped, with new defaults and NOT NULL; indexes and checks added, dropped and
 * changed; function bodies, search paths and comments changed, functions dropped and added;
 * views changed (a column more, another filter), dropped and added; policies changed, dropped
 * and added; RLS switched on; enum labels added; grants and comments changed. Only what
 * PostgreSQL lets a migration do in place is chosen: dropped tables, columns, views and
 * functions are ones nothing else uses. Returns the copy and the count of each change.
 */
function modifyModel(base, { seed, tables: tableCount }) {
  const model = clone(base);
  const rng = new Random(seed * 40503 + 7);
  const scale = (n) => Math.max(1, Math.round((n * tableCount) / 2000));
  const changes = {};
  const count = (kind, n = 1) => {
    changes[kind] = (changes[kind] ?? 0) + n;
  };
  const moduleTables = () => model.tables.filter((t) => t.refs !== Number.POSITIVE_INFINITY);
  const touched = new Set();

  // Tables nothing references (no foreign key, view or function but their own validate trigger function).
  const leaves = moduleTables().filter((t) => t.refs === 0);
  for (const table of rng.sample(leaves, scale(10))) {
    model.tables = model.tables.filter((t) => t !== table);
    for (const fk of table.fks) fk.parent.refs--;
    model.functions = model.functions.filter((f) => f.table !== table);
    touched.add(table);
    count("tables dropped");
  }

  const live = () => moduleTables().filter((t) => !touched.has(t));
  /**
   * Goes through `items` in a random order and changes up to `limit` of them: `change` returns
   * false for an item it passes over. Each change counts as `kind` (without one, `change` counts).
   */
  const changeUpTo = (limit, items, kind, change) => {
    let changed = 0;
    for (const item of rng.sample(items, items.length)) {
      if (changed >= limit) break;
      if (change(item) === false) continue;
      changed++;
      if (kind) count(kind);
    }
  };

  // Columns.
  for (const table of rng.sample(live(), scale(60))) {
    const n = rng.int(1, 2);
    for (const added of rng.sample(ADDED_COLUMNS, n)) {
      if (hasCol(table, added.name)) continue;
      table.columns.push(column(added.name, added.type, { notNull: added.notNull === true, default: added.default ?? null }));
      if (added.check) table.checks.push({ name: ident(`${table.name}_${added.name}_check`), expr: added.check, column: added.name });
      count("columns added");
    }
  }
  changeUpTo(scale(40), live(), "columns dropped", (table) => {
    const candidates = table.columns.filter((c) => c.optional && !c.used);
    if (candidates.length === 0) return false;
    const c = rng.pick(candidates);
    table.columns = table.columns.filter((x) => x !== c);
    table.checks = table.checks.filter((k) => k.column !== c.name);
    table.grants = table.grants.filter((g) => !g.privileges.includes(`(${c.name})`));
  });
  changeUpTo(scale(40), live(), "columns retyped", (table) => {
    const candidates = table.columns.filter((c) => c.retype && c.type !== c.retype);
    if (candidates.length === 0) return false;
    const c = rng.pick(candidates);
    c.type = c.retype;
  });
  const newDefaults = {
    currency: "'EUR'::bpchar",
    quantity: "1",
    priority: "2",
    is_active: "false",
    metadata: `'{"v": 1}'::jsonb`,
    revision: "0",
  };
  changeUpTo(scale(30), live(), "column defaults changed", (table) => {
    const c = table.columns.find((x) => x.name in newDefaults && x.default !== newDefaults[x.name]);
    if (!c) return false;
    c.default = newDefaults[c.name];
  });
  changeUpTo(scale(20), live(), null, (table) => {
    const c = table.columns.find((x) => (x.name === "notes" || x.name === "description") && !x.notNull && !x.used);
    const d = table.columns.find((x) => (x.name === "title" || x.name === "name") && x.notNull && !x.used);
    if (c) {
      c.notNull = true;
      c.default = "''::text";
      count("columns set NOT NULL (with a default)");
    } else if (d) {
      d.notNull = false;
      count("columns DROP NOT NULL");
    } else return false;
  });

  // Indexes and checks.
  for (const table of rng.sample(live(), scale(50))) {
    const name = ident(`${table.name}_tenant_updated_idx`);
    if (table.indexes.some((i) => i.name === name)) continue;
    table.indexes.push(tableIndex(takeName(model, table.schema, name), "tenant_id, updated_at DESC"));
    count("indexes added");
  }
  changeUpTo(scale(30), live(), "indexes dropped", (table) => {
    const candidates = table.indexes.filter((i) => i.keys.endsWith("_id") || i.method === "gin" || i.method === "brin");
    if (candidates.length === 0) return false;
    const index = rng.pick(candidates);
    table.indexes = table.indexes.filter((i) => i !== index);
  });
  for (const table of rng.sample(live(), scale(15))) {
    const index = table.indexes.find((i) => i.keys === "tenant_id, created_at DESC");
    if (!index) continue;
    index.keys = "tenant_id, created_at DESC, id";
    count("indexes changed (key columns)");
  }
  changeUpTo(scale(10), live(), "indexes changed (predicate)", (table) => {
    const index = table.indexes.find((i) => i.where === "deleted_at IS NULL" && i.keys === "tenant_id, status");
    if (!index) return false;
    index.where = `deleted_at IS NULL AND status <> 'archived'::${table.schema}.record_status`;
  });
  for (const table of rng.sample(live(), scale(10))) {
    if (!hasCol(table, "created_at") || table.checks.some((c) => c.name.endsWith("_created_check"))) continue;
    table.checks.push({ name: ident(`${table.name}_created_check`), expr: "created_at <= updated_at", column: "updated_at" });
    count("check constraints added");
  }
  changeUpTo(scale(10), live(), "check constraints dropped", (table) => {
    const check = table.checks.find((c) => c.name.endsWith("_amount_check") || c.name.endsWith("_priority_check"));
    if (!check) return false;
    table.checks = table.checks.filter((c) => c !== check);
  });

  // Row-level security and policies.
  changeUpTo(scale(30), live(), "policies changed", (table) => {
    const policy = table.policies.find((p) => p.name === "tenant_isolation");
    if (!policy) return false;
    if (hasCol(table, "is_active") && rng.chance(0.5)) {
      policy.using = "((tenant_id = core.current_tenant_id()) AND is_active)";
      markUsed(table, "is_active");
    } else {
      policy.roles = [ROLES.app, ROLES.admin];
    }
  });
  changeUpTo(scale(10), live(), "policies dropped", (table) => {
    const policy = table.policies.find((p) => p.name === "readonly_select" || p.name === "admin_all");
    if (!policy) return false;
    table.policies = table.policies.filter((p) => p !== policy);
  });
  changeUpTo(scale(10), live(), "tables given RLS and policies", (table) => {
    if (table.rls.enabled) return false;
    addRowLevelSecurity(table, rng);
  });
  changeUpTo(scale(10), live(), "policies added", (table) => {
    if (!table.rls.enabled || table.policies.some((p) => p.name === "admin_all")) return false;
    table.policies.push({ name: "admin_all", command: "ALL", permissive: true, roles: [ROLES.admin], using: "true", withCheck: null });
  });

  // Triggers.
  changeUpTo(scale(10), live(), "triggers added", (table) => {
    if (table.triggers.some((t) => t.name === "audit")) return false;
    table.triggers.push(auditTrigger());
  });
  changeUpTo(scale(5), live(), "triggers dropped", (table) => {
    if (!table.triggers.some((t) => t.name === "set_updated_at")) return false;
    table.triggers = table.triggers.filter((t) => t.name !== "set_updated_at");
  });

  // Functions.
  changeUpTo(scale(50), model.functions, "function bodies changed", (fn) => {
    if (fn.kind === "validate") {
      fn.body = fn.body.replace(
        "  RETURN NEW;",
        "  IF TG_OP = 'UPDATE' AND NEW.tenant_id <> OLD.tenant_id THEN\n    RAISE EXCEPTION 'tenant_id cannot change';\n  END IF;\n  RETURN NEW;",
      );
    } else if (fn.kind === "count") {
      fn.body = `${fn.body} AND created_at <= now()`;
    } else if (fn.kind === "recalculate") {
      fn.body = fn.body.replace("    v_count := v_count + 1;", "    v_count := v_count + 1;\n    PERFORM pg_catalog.pg_sleep(0);");
    } else if (fn.kind === "summary") {
      fn.body = fn.body.replace("p_days * interval '1 day'", "make_interval(days => p_days)");
    } else return false;
    fn.changed = true;
  });
  changeUpTo(scale(10), model.functions, "function search_path changed", (fn) => {
    if (!fn.securityDefiner || fn.kind === "core" || fn.searchPath === "''") return false;
    fn.searchPath = "''";
    fn.changed = true;
  });
  changeUpTo(scale(10), model.functions, "function comments changed", (fn) => {
    if (fn.kind === "core") return false;
    fn.comment = `${fn.name.replaceAll("_", " ")} (reviewed)`;
    fn.changed = true;
  });
  const droppable = model.functions.filter((f) => !f.changed && (f.kind === "utility" || f.kind === "recalculate" || f.kind === "count"));
  for (const fn of rng.sample(droppable, scale(5))) {
    model.functions = model.functions.filter((f) => f !== fn);
    count("functions dropped");
  }
  for (let i = 0; i < scale(10); i++) {
    addUtilityFunction(model, rng);
    count("functions added");
  }

  // Views: a column more at the end (CREATE OR REPLACE VIEW allows that), another filter,
  // dropped leaves, new ones.
  changeUpTo(scale(30), model.views, "view definitions changed", (view) => {
    if (view.materialized || touched.has(view) || view.kind.startsWith("over-view")) return false;
    if (view.kind === "active") {
      const extra = dataColumnsOf(view.base).find((c) => !view.columns.some((vc) => vc.name === c.name));
      if (extra) {
        view.columns.push({ name: extra.name, expr: extra.name });
        markUsed(view.base, extra.name);
      } else if (view.where === "deleted_at IS NULL") view.where = "deleted_at IS NULL AND created_at <= now()";
      else return false;
    } else if (view.kind === "daily") {
      view.columns.push({ name: "last_created_at", expr: "max(created_at)" });
    } else if (view.kind === "joined") {
      view.columns.push({ name: "updated_at", expr: "c.updated_at" });
      markUsed(view.base, "updated_at");
    } else return false;
    touched.add(view);
  });
  for (const view of rng.sample(
    model.views.filter((v) => v.dependents === 0 && !touched.has(v)),
    scale(5),
  )) {
    model.views = model.views.filter((v) => v !== view);
    count("views dropped");
  }

  // New tables (with the usual keys, indexes, RLS and triggers) and views over them.
  for (let i = 0; i < scale(10); i++) {
    const schema = rng.pick(SCHEMAS.filter((s) => s !== "core"));
    const table = addTable(model, rng, schema, { allowParentsFrom: model.tables });
    touched.add(table);
    count("tables added");
  }
  for (let i = 0; i < scale(10); i++) {
    addView(model, rng);
    count("views added");
  }

  // Enum labels at the end (ALTER TYPE … ADD VALUE), grants and comments.
  for (const e of rng.sample(model.enums, 3)) {
    e.labels.push("legacy");
    count("enum labels added");
  }
  changeUpTo(scale(10), live(), null, (table) => {
    if (table.grants.some((g) => g.role === ROLES.readonly && g.privileges === "SELECT")) {
      table.grants = table.grants.filter((g) => !(g.role === ROLES.readonly && g.privileges === "SELECT"));
      count("table grants revoked");
    } else {
      table.grants.push({ privileges: "SELECT", role: ROLES.readonly });
      count("table grants added");
    }
  });
  for (const table of rng.sample(live(), scale(20))) {
    table.comment = `${table.schema}.${table.name} (owner: ${rng.pick(["platform", "payments", "growth", "ops"])} team)`;
    count("table comments changed");
  }
  return { model, changes };
}

// ---- SQL --------------------------------------------------------------------------------------

function renderColumn(c) {
  let sql = `  ${c.name} ${c.type}`;
  if (c.identity) sql += ` GENERATED ${c.identity === "always" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
  if (c.default !== null) sql += ` DEFAULT ${c.default}`;
  if (c.notNull) sql += " NOT NULL";
  return sql;
}

function renderTable(table, out) {
  const t = qualified(table);
  const lines = table.columns.map(renderColumn);
  const key = table.columns[0].name === "id" ? "id" : null;
  if (key) lines.push(`  CONSTRAINT ${ident(`${table.name}_pkey`)} PRIMARY KEY (id)`);
  for (const u of table.uniques) lines.push(`  CONSTRAINT ${u.name} UNIQUE (${u.columns.join(", ")})`);
  for (const c of table.checks) lines.push(`  CONSTRAINT ${c.name} CHECK (${c.expr})`);
  for (const fk of table.fks)
    lines.push(`  CONSTRAINT ${fk.name} FOREIGN KEY (${fk.column}) REFERENCES ${qualified(fk.parent)} (id) ON DELETE ${fk.onDelete}`);
  out.push(`CREATE TABLE ${t} (\n${lines.join(",\n")}\n);`);
  for (const i of table.indexes) {
    const using = i.method === "btree" ? "" : ` USING ${i.method}`;
    out.push(`CREATE ${i.unique ? "UNIQUE " : ""}INDEX ${i.name} ON ${t}${using} (${i.keys})${i.where ? ` WHERE ${i.where}` : ""};`);
  }
}

function renderTableExtras(table, out) {
  const t = qualified(table);
  for (const tr of table.triggers)
    out.push(`CREATE TRIGGER ${tr.name} ${tr.timing} ${tr.events} ON ${t} FOR EACH ROW EXECUTE FUNCTION ${tr.func};`);
  if (table.rls.enabled) out.push(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`);
  if (table.rls.forced) out.push(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`);
  for (const p of table.policies) {
    const parts = [`CREATE POLICY ${p.name} ON ${t}`];
    if (!p.permissive) parts.push("AS RESTRICTIVE");
    parts.push(`FOR ${p.command}`, `TO ${p.roles.join(", ")}`, `USING ${p.using.startsWith("(") ? p.using : `(${p.using})`}`);
    if (p.withCheck) parts.push(`WITH CHECK ${p.withCheck}`);
    out.push(`${parts.join(" ")};`);
  }
  if (table.comment) out.push(`COMMENT ON TABLE ${t} IS ${literal(table.comment)};`);
  for (const c of table.columns) if (c.comment) out.push(`COMMENT ON COLUMN ${t}.${c.name} IS ${literal(c.comment)};`);
  for (const g of table.grants) out.push(`GRANT ${g.privileges} ON TABLE ${t} TO ${g.role};`);
}

function renderFunction(fn, out) {
  const what = fn.procedure ? "PROCEDURE" : "FUNCTION";
  const head = `CREATE ${what} ${fn.schema}.${fn.name}(${fn.args})${fn.procedure ? "" : ` RETURNS ${fn.returns}`}`;
  const attrs = [`LANGUAGE ${fn.language}`];
  if (!fn.procedure) {
    if (fn.volatility !== "VOLATILE") attrs.push(fn.volatility);
    if (fn.strict) attrs.push("STRICT");
  }
  if (fn.securityDefiner) attrs.push("SECURITY DEFINER");
  if (fn.searchPath) attrs.push(`SET search_path = ${fn.searchPath}`);
  const body = fn.atomic ? fn.body : `AS $fn$\n${fn.body}\n$fn$`;
  out.push(`${head}\n  ${attrs.join(" ")}\n${body};`);
  const sig = `${fn.schema}.${fn.name}(${fn.argTypes})`;
  if (fn.revokePublic) out.push(`REVOKE ALL ON ${what} ${sig} FROM PUBLIC;`);
  for (const g of fn.grants) out.push(`GRANT ${g.privileges} ON ${what} ${sig} TO ${g.role};`);
  if (fn.comment) out.push(`COMMENT ON ${what} ${sig} IS ${literal(fn.comment)};`);
}

function renderView(view, out) {
  const v = qualified(view);
  const select = view.columns.map((c) => (c.expr === c.name ? c.name : `${c.expr} AS ${c.name}`)).join(",\n    ");
  let sql = `SELECT ${select}\n   FROM ${view.from}`;
  if (view.where) sql += `\n  WHERE ${view.where}`;
  if (view.groupBy) sql += `\n  GROUP BY ${view.groupBy}`;
  const opts = view.options.length ? ` WITH (${view.options.join(", ")})` : "";
  out.push(`CREATE ${view.materialized ? "MATERIALIZED " : ""}VIEW ${v}${opts} AS\n ${sql}${view.materialized ? "\n  WITH NO DATA" : ""};`);
  for (const i of view.indexes) out.push(`CREATE ${i.unique ? "UNIQUE " : ""}INDEX ${i.name} ON ${v} (${i.keys});`);
  if (view.comment) out.push(`COMMENT ON ${view.materialized ? "MATERIALIZED VIEW" : "VIEW"} ${v} IS ${literal(view.comment)};`);
  for (const g of view.grants) out.push(`GRANT ${g.privileges} ON TABLE ${v} TO ${g.role};`);
}

/** The SQL that creates the model, in dependency order, valid on PostgreSQL 14+ (SQL-standard function bodies). */
function renderSql(model, header) {
  const out = [`-- ${header}`, "SET client_min_messages = warning;"];
  out.push(
    "DO $roles$\nBEGIN\n" +
      Object.values(ROLES)
        .map(
          (role) =>
            `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN\n    CREATE ROLE ${role} NOLOGIN;\n  END IF;`,
        )
        .join("\n") +
      "\nEND\n$roles$;",
  );
  for (const s of model.schemas) {
    out.push(`CREATE SCHEMA ${s.name};`, `COMMENT ON SCHEMA ${s.name} IS ${literal(s.comment)};`);
    out.push(`GRANT USAGE ON SCHEMA ${s.name} TO ${ROLES.app}, ${ROLES.readonly};`);
  }
  for (const e of model.enums) out.push(`CREATE TYPE ${e.schema}.${e.name} AS ENUM (${e.labels.map(literal).join(", ")});`);
  for (const d of model.domains)
    out.push(`CREATE DOMAIN ${d.schema}.${d.name} AS ${d.base}${d.notNull ? " NOT NULL" : ""} CHECK (${d.check});`);
  for (const s of model.sequences) out.push(`CREATE SEQUENCE ${s.schema}.${s.name} START WITH ${s.start};`);
  // Functions that name no table come first: policies and triggers call them.
  const early = model.functions.filter((f) => f.kind === "core" || f.kind === "utility" || f.kind === "validate");
  const late = model.functions.filter((f) => !early.includes(f));
  for (const fn of early) renderFunction(fn, out);
  for (const table of model.tables) renderTable(table, out);
  for (const table of model.tables) renderTableExtras(table, out);
  for (const fn of late) renderFunction(fn, out);
  for (const view of model.views) renderView(view, out);
  return `${out.join("\n\n")}\n`;
}

function statsOf(model) {
  const s = {
    schemas: model.schemas.length,
    enums: model.enums.length,
    domains: model.domains.length,
    sequences: model.sequences.length,
    tables: model.tables.length,
    columns: 0,
    identity_columns: 0,
    primary_keys: 0,
    unique_constraints: 0,
    foreign_keys: 0,
    check_constraints: 0,
    indexes: 0,
    partial_indexes: 0,
    unique_indexes: 0,
    rls_tables: 0,
    policies: 0,
    triggers: 0,
    functions: model.functions.length,
    functions_plpgsql: 0,
    functions_sql: 0,
    functions_sql_standard_body: 0,
    procedures: 0,
    security_definer: 0,
    views: model.views.filter((v) => !v.materialized).length,
    materialized_views: model.views.filter((v) => v.materialized).length,
    views_over_views: model.views.filter((v) => v.kind.startsWith("over-view")).length,
    comments: model.schemas.length,
    grants: model.schemas.length,
  };
  for (const t of model.tables) {
    s.columns += t.columns.length;
    s.identity_columns += t.columns.filter((c) => c.identity).length;
    s.primary_keys += t.columns[0]?.name === "id" ? 1 : 0;
    s.unique_constraints += t.uniques.length;
    s.foreign_keys += t.fks.length;
    s.check_constraints += t.checks.length;
    s.indexes += t.indexes.length;
    s.partial_indexes += t.indexes.filter((i) => i.where).length;
    s.unique_indexes += t.indexes.filter((i) => i.unique).length;
    s.rls_tables += t.rls.enabled ? 1 : 0;
    s.policies += t.policies.length;
    s.triggers += t.triggers.length;
    s.comments += (t.comment ? 1 : 0) + t.columns.filter((c) => c.comment).length;
    s.grants += t.grants.length;
  }
  for (const f of model.functions) {
    if (f.language === "plpgsql") s.functions_plpgsql++;
    else s.functions_sql++;
    if (f.atomic) s.functions_sql_standard_body++;
    if (f.procedure) s.procedures++;
    if (f.securityDefiner) s.security_definer++;
    s.comments += f.comment ? 1 : 0;
    s.grants += f.grants.length + (f.revokePublic ? 1 : 0);
  }
  for (const v of model.views) {
    s.indexes += v.indexes.length;
    s.comments += v.comment ? 1 : 0;
    s.grants += v.grants.length;
  }
  return s;
}

const DEFAULTS = { tables: 2000, functions: 500, views: 300, seed: 1 };

/** The base schema: `{ sql, stats }`. The same options give byte-identical SQL. */
export function generateLargeSchema(options = {}) {
  const opts = { ...DEFAULTS, ...options };
  const model = buildModel(opts);
  const header = `drydock bench: large schema, seed ${opts.seed}, ${opts.tables} tables, ${opts.functions} functions, ${opts.views} views`;
  return { sql: renderSql(model, header), stats: statsOf(model) };
}

/** The modified copy of the base schema with the same options: `{ sql, stats, changes }`. */
export function generateModifiedSchema(options = {}) {
  const opts = { ...DEFAULTS, ...options };
  const { model, changes } = modifyModel(buildModel(opts), opts);
  const header = `drydock bench: large schema, modified copy, seed ${opts.seed}, ${opts.tables} tables, ${opts.functions} functions, ${opts.views} views`;
  return { sql: renderSql(model, header), stats: statsOf(model), changes };
}

// ---- command line -----------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = parseCommandLine(process.argv.slice(2), {
    usage:
      "usage: node bench/generate-large-schema.mjs [--tables 2000] [--functions 500] [--views 300] [--seed 1] [--modified] [--out FILE] [--stats]",
    defaults: { ...DEFAULTS, modified: false, out: null, stats: false },
    flags: {
      "--tables": ["tables", integer(20)],
      "--functions": ["functions", integer(10)],
      "--views": ["views", integer(5)],
      "--seed": ["seed", integer(0)],
      "--modified": ["modified", toggle],
      "--out": ["out", text],
      "--stats": ["stats", toggle],
    },
  });
  const result = opts.modified ? generateModifiedSchema(opts) : generateLargeSchema(opts);
  if (opts.out) writeFileSync(opts.out, result.sql);
  else process.stdout.write(result.sql);
  if (opts.stats) process.stderr.write(`${JSON.stringify({ stats: result.stats, changes: result.changes ?? null }, null, 2)}\n`);
}
