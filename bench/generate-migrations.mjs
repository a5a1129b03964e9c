#!/usr/bin/env node
// Deterministic generator of a realistic PostgreSQL migration project for drydock benchmarks.
//
//   node bench/generate-migrations.mjs --count 300 --out DIR [--seed 1] [--downs]
//
// Writes DIR/drydock.toml and DIR/migrations/<version>_<name>.sql in the plain format (versions
// zero-padded to at least 4 digits). After two fixed migrations (tenants, shared trigger
// function), migrations cycle through ten kinds, each cycle working on one new table:
//
//   enum type -> table (tenant_id, FKs to earlier tables, defaults) -> indexes on FK columns ->
//   plpgsql function + triggers -> RLS + policy -> INSERT backfill (generate_series; a few
//   thousand rows for every third table, 50-300 seed rows for the others) -> view ->
//   ADD COLUMN -> UPDATE backfill -> CHECK constraint (NOT VALID + VALIDATE) + SQL function
//
// Everything is valid PostgreSQL 15 and runs inside a transaction. The same seed and count give
// byte-identical files. With --downs, each migration also gets <version>_<name>.down.sql, which
// undoes it (drops what it created, in reverse; empties a backfilled table and restarts its
// identity; resets backfilled columns to their default); the up files are the same either way.
// The module also exports generateProject() for bench/apply-benchmark.mjs, which uses its
// manifest to check that a tool really applied everything.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { exitWithUsage, parseCommandLine, text, toggle } from "./command-line.mjs";

/** Number of tenants seeded by the first migration; tenant_id values are 1..TENANTS. */
export const TENANTS = 200;

/** Kinds of the repeating cycle, in order. */
export const CYCLE = [
  "create_enum",
  "create_table",
  "index_foreign_keys",
  "function_and_triggers",
  "enable_rls",
  "backfill_insert",
  "create_view",
  "add_columns",
  "backfill_update",
  "check_and_function",
];

const ENTITIES = [
  ["customers", "customer"],
  ["projects", "project"],
  ["invoices", "invoice"],
  ["orders", "order"],
  ["shipments", "shipment"],
  ["products", "product"],
  ["warehouses", "warehouse"],
  ["suppliers", "supplier"],
  ["contracts", "contract"],
  ["tickets", "ticket"],
  ["comments", "comment"],
  ["documents", "document"],
  ["payments", "payment"],
  ["subscriptions", "subscription"],
  ["campaigns", "campaign"],
  ["leads", "lead"],
  ["opportunities", "opportunity"],
  ["tasks", "task"],
  ["milestones", "milestone"],
  ["employees", "employee"],
  ["departments", "department"],
  ["assets", "asset"],
  ["vendors", "vendor"],
  ["budgets", "budget"],
  ["expenses", "expense"],
  ["reports", "report"],
  ["events", "event"],
  ["bookings", "booking"],
  ["rooms", "room"],
  ["devices", "device"],
  ["sensors", "sensor"],
  ["readings", "reading"],
  ["licenses", "license"],
  ["releases", "release"],
  ["builds", "build"],
  ["deployments", "deployment"],
  ["incidents", "incident"],
  ["alerts", "alert"],
  ["articles", "article"],
  ["categories", "category"],
];

const STATUS_SETS = [
  ["draft", "pending", "active", "archived"],
  ["new", "open", "in_progress", "resolved", "closed"],
  ["requested", "approved", "rejected", "cancelled"],
  ["trial", "active", "past_due", "canceled"],
  ["queued", "running", "succeeded", "failed"],
];

/** Optional columns a new table may get at creation: [name, type+constraints, expression for row g]. */
const OPTIONAL_COLUMNS = [
  ["quantity", "integer NOT NULL DEFAULT 1", "1 + (g % 25)"],
  ["due_on", "date", "current_date + (g % 90)"],
  ["is_active", "boolean NOT NULL DEFAULT true", "(g % 7) <> 0"],
  ["external_ref", "text", "'EXT-' || lpad(g::text, 8, '0')"],
  ["priority", "smallint NOT NULL DEFAULT 3", "(1 + g % 5)::smallint"],
  ["currency", "char(3) NOT NULL DEFAULT 'EUR'", "(ARRAY['EUR', 'USD', 'GBP'])[1 + g % 3]"],
  ["description", "text", "'Generated row ' || g"],
];

/** Columns added later by ALTER TABLE: [name, definition, backfill expression from id, predicate of not yet backfilled]. */
const ADDED_COLUMNS = [
  ["score", "integer NOT NULL DEFAULT 0", "(id % 97)::integer", "score = 0"],
  ["note", "text", "'batch ' || (id % 10)", "note IS NULL"],
  ["region", "text", "(ARRAY['eu-west', 'us-east', 'ap-south'])[1 + (id % 3)::integer]", "region IS NULL"],
  ["archived_at", "timestamptz", "CASE WHEN id % 11 = 0 THEN created_at END", "archived_at IS NULL"],
  ["search_key", "text", "lower(name)", "search_key IS NULL"],
  ["version", "integer NOT NULL DEFAULT 1", "1 + (id % 3)::integer", "version = 1"],
  [
    "metadata",
    "jsonb NOT NULL DEFAULT '{}'::jsonb",
    "jsonb_build_object('source', 'backfill', 'bucket', id % 16)",
    "metadata = '{}'::jsonb",
  ],
  ["risk_level", "smallint", "(id % 4)::smallint", "risk_level IS NULL"],
];

/** Small deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(items, rand) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function pick(items, rand) {
  return items[Math.floor(rand() * items.length)];
}

const quote = (s) => `'${s.replace(/'/g, "''")}'`;

/**
 * Builds the project in memory. With `downs`, every migration has a `down` (its down file's name
 * and SQL); otherwise `down` is null.
 * @returns {{ migrations: {version: string, name: string, kind: string, file: string, sql: string, check: string,
 *             down: {file: string, sql: string} | null}[], tables: string[], expectedRows: number, drydockToml: string }}
 */
export function generateProject({ count, seed = 1, downs = false }) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer (got ${count})`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer (got ${seed})`);
  const rand = prng(seed);
  const entities = shuffled(ENTITIES, rand);
  const width = Math.max(4, String(count).length);
  const migrations = [];
  /** Tables created so far, by group index. */
  const groups = [];
  /** Expected row count per table name. */
  const rows = new Map();

  // `downBody` is built even without --downs (it draws no random numbers), so the ups do not change.
  const emit = (kind, name, body, check, downBody) => {
    const version = String(migrations.length + 1).padStart(width, "0");
    const header = `-- ${version} ${kind}: generated by bench/generate-migrations.mjs (seed ${seed})\n`;
    const down = downs
      ? { file: `${version}_${name}.down.sql`, sql: `${header.replace(kind, `${kind} (down)`)}${downBody.trim()}\n` }
      : null;
    migrations.push({ version, name, kind, file: `${version}_${name}.sql`, sql: `${header}${body.trim()}\n`, check, down });
  };
  const regclass = (name) => `to_regclass(${quote(`public.${name}`)}) IS NOT NULL`;

  // 1: tenants, the root of every tenant_id foreign key.
  emit(
    "create_tenants",
    "create_tenants",
    `
CREATE TYPE tenant_plan AS ENUM ('free', 'team', 'business', 'enterprise');

CREATE TABLE tenants (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    plan tenant_plan NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO tenants (slug, name, plan, created_at)
SELECT 'tenant-' || g,
       'Tenant ' || g,
       (enum_range(NULL::tenant_plan))[1 + g % 4],
       now() - (g % 400) * interval '1 day'
FROM generate_series(1, ${TENANTS}) AS g;
`,
    `SELECT count(*) = ${TENANTS} FROM tenants`,
    "DROP TABLE tenants;\nDROP TYPE tenant_plan;",
  );
  rows.set("tenants", TENANTS);

  // 2: the shared updated_at trigger function.
  if (migrations.length < count)
    emit(
      "create_function",
      "create_set_updated_at_function",
      `
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS 'Keeps updated_at current on every UPDATE.';
`,
      `SELECT to_regprocedure('public.set_updated_at()') IS NOT NULL`,
      "DROP FUNCTION set_updated_at();",
    );

  let step = 0;
  while (migrations.length < count) {
    const kind = CYCLE[step % CYCLE.length];
    const gi = Math.floor(step / CYCLE.length);
    step++;
    if (kind === "create_enum") {
      const [plural, singular] = entities[gi % entities.length];
      const round = Math.floor(gi / entities.length);
      const suffix = round === 0 ? "" : `_${round + 1}`;
      const table = `${plural}${suffix}`;
      const earlier = groups.slice(-8);
      const parentCount = earlier.length === 0 ? 0 : Math.min(earlier.length, Math.floor(rand() * 3));
      const parents = shuffled(earlier, rand).slice(0, parentCount);
      parents.sort((a, b) => a.index - b.index);
      const optional = shuffled(OPTIONAL_COLUMNS, rand).slice(0, 1 + Math.floor(rand() * 3));
      optional.sort((a, b) => OPTIONAL_COLUMNS.indexOf(a) - OPTIONAL_COLUMNS.indexOf(b));
      groups.push({
        index: gi,
        table,
        singular: `${singular}${suffix}`,
        statusType: `${table}_status`,
        statuses: pick(STATUS_SETS, rand),
        parents,
        optional,
        added: [],
        // Every third table gets a bulk backfill of a few thousand rows, the others seed data.
        rowsToInsert: gi % 3 === 0 ? 2000 + 100 * Math.floor(rand() * 21) : 50 + 10 * Math.floor(rand() * 26),
      });
    }
    const g = groups[gi];
    const t = g.table;
    switch (kind) {
      case "create_enum":
        emit(
          kind,
          `create_type_${g.statusType}`,
          `CREATE TYPE ${g.statusType} AS ENUM (${g.statuses.map(quote).join(", ")});`,
          `SELECT to_regtype(${quote(`public.${g.statusType}`)}) IS NOT NULL`,
          `DROP TYPE ${g.statusType};`,
        );
        break;
      case "create_table": {
        const cols = [
          "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
          "    tenant_id bigint NOT NULL REFERENCES tenants (id)",
          ...g.parents.map((p) => `    ${p.singular}_id bigint REFERENCES ${p.table} (id)`),
          "    name text NOT NULL",
          `    status ${g.statusType} NOT NULL DEFAULT ${quote(g.statuses[0])}`,
          "    amount numeric(12, 2) NOT NULL DEFAULT 0",
          ...g.optional.map(([name, def]) => `    ${name} ${def}`),
          "    created_at timestamptz NOT NULL DEFAULT now()",
          "    updated_at timestamptz NOT NULL DEFAULT now()",
        ];
        emit(
          kind,
          `create_table_${t}`,
          `
CREATE TABLE ${t} (
${cols.join(",\n")}
);

COMMENT ON TABLE ${t} IS ${quote(`Tenant-scoped ${t}.`)};
COMMENT ON COLUMN ${t}.tenant_id IS 'Owning tenant; row level security filters on it.';
`,
          `SELECT ${regclass(t)}`,
          `DROP TABLE ${t};`,
        );
        g.comment = `Tenant-scoped ${t}.`;
        rows.set(t, 0);
        break;
      }
      case "index_foreign_keys": {
        const stmts = [
          `CREATE INDEX ${t}_tenant_id_idx ON ${t} (tenant_id);`,
          ...g.parents.map((p) => `CREATE INDEX ${t}_${p.singular}_id_idx ON ${t} (${p.singular}_id);`),
          `CREATE INDEX ${t}_tenant_id_created_at_idx ON ${t} (tenant_id, created_at DESC);`,
        ];
        const dropped = stmts.map((stmt) => `DROP INDEX ${stmt.split(" ")[2]};`).reverse();
        emit(kind, `index_${t}_foreign_keys`, stmts.join("\n"), `SELECT ${regclass(`${t}_tenant_id_created_at_idx`)}`, dropped.join("\n"));
        break;
      }
      case "function_and_triggers":
        emit(
          kind,
          `add_${t}_triggers`,
          `
CREATE FUNCTION ${t}_normalize() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.name := btrim(NEW.name);
    IF NEW.amount < 0 THEN
        RAISE EXCEPTION '${t}.amount must not be negative (got %)', NEW.amount
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ${t}_normalize
    BEFORE INSERT OR UPDATE ON ${t}
    FOR EACH ROW EXECUTE FUNCTION ${t}_normalize();

CREATE TRIGGER ${t}_set_updated_at
    BEFORE UPDATE ON ${t}
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
`,
          `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = ${quote(`${t}_set_updated_at`)})`,
          `DROP TRIGGER ${t}_set_updated_at ON ${t};\nDROP TRIGGER ${t}_normalize ON ${t};\nDROP FUNCTION ${t}_normalize();`,
        );
        break;
      case "enable_rls":
        emit(
          kind,
          `enable_rls_${t}`,
          `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;

CREATE POLICY ${t}_tenant_isolation ON ${t}
    USING (tenant_id = current_setting('app.tenant_id', true)::bigint)
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)::bigint);
`,
          `SELECT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND policyname = ${quote(`${t}_tenant_isolation`)})`,
          `DROP POLICY ${t}_tenant_isolation ON ${t};\nALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`,
        );
        break;
      case "backfill_insert": {
        const n = g.rowsToInsert;
        const targets = [
          "tenant_id",
          ...g.parents.map((p) => `${p.singular}_id`),
          "name",
          "status",
          "amount",
          ...g.optional.map(([name]) => name),
          "created_at",
        ];
        const values = [
          `1 + (g * 7) % ${TENANTS}`,
          ...g.parents.map((p, i) => `1 + (g * ${11 + 2 * i}) % ${rows.get(p.table)}`),
          `${quote(`${g.singular} `)} || g`,
          `(enum_range(NULL::${g.statusType}))[1 + g % ${g.statuses.length}]`,
          "round(((g % 1000) * 1.37)::numeric, 2)",
          ...g.optional.map(([, , expr]) => expr),
          "now() - (g % 365) * interval '1 day'",
        ];
        emit(
          kind,
          n >= 1000 ? `backfill_${t}` : `seed_${t}`,
          `
INSERT INTO ${t} (${targets.join(", ")})
SELECT ${values.join(",\n       ")}
FROM generate_series(1, ${n}) AS g;
`,
          `SELECT count(*) = ${n} FROM ${t}`,
          // The tables that reference this one are gone by now (later migrations, undone first);
          // restarting the identity gives the ups of the drill the same ids, which their FKs need.
          `TRUNCATE ${t} RESTART IDENTITY;`,
        );
        rows.set(t, n);
        break;
      }
      case "create_view": {
        const p = g.parents[0];
        const join = p ? `\nLEFT JOIN ${p.table} AS p ON p.id = t.${p.singular}_id` : "";
        const extra = p ? `,\n       count(DISTINCT p.id) AS ${p.table}_referenced` : "";
        emit(
          kind,
          `create_view_${t}_summary`,
          `
CREATE VIEW ${t}_summary WITH (security_invoker = true) AS
SELECT t.tenant_id,
       t.status,
       count(*) AS total,
       sum(t.amount) AS amount,
       max(t.created_at) AS last_created_at${extra}
FROM ${t} AS t${join}
GROUP BY t.tenant_id, t.status;
`,
          `SELECT ${regclass(`${t}_summary`)}`,
          `DROP VIEW ${t}_summary;`,
        );
        break;
      }
      case "add_columns": {
        // Usually the current table; sometimes an earlier one, as real projects do.
        const target = groups.length > 1 && rand() < 0.3 ? pick(groups.slice(0, -1), rand) : g;
        const taken = new Set(target.added.map((c) => c[0]));
        const free = ADDED_COLUMNS.filter((c) => !taken.has(c[0]));
        const chosen = shuffled(free, rand).slice(0, Math.min(free.length, 1 + Math.floor(rand() * 2)));
        chosen.sort((a, b) => ADDED_COLUMNS.indexOf(a) - ADDED_COLUMNS.indexOf(b));
        target.added.push(...chosen);
        g.lastAdded = { group: target, columns: chosen };
        const body =
          chosen.length === 0
            ? `COMMENT ON TABLE ${target.table} IS ${quote(`Tenant-scoped ${target.table} (all optional columns added).`)};`
            : `ALTER TABLE ${target.table}\n${chosen.map(([name, def]) => `    ADD COLUMN ${name} ${def}`).join(",\n")};`;
        const last = chosen[chosen.length - 1];
        const previousComment = target.comment;
        if (chosen.length === 0) target.comment = `Tenant-scoped ${target.table} (all optional columns added).`;
        emit(
          kind,
          chosen.length === 0 ? `comment_${target.table}` : `add_${chosen.map((c) => c[0]).join("_and_")}_to_${target.table}`,
          body,
          last
            ? `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${quote(target.table)} AND column_name = ${quote(last[0])})`
            : `SELECT ${regclass(target.table)}`,
          chosen.length === 0
            ? `COMMENT ON TABLE ${target.table} IS ${quote(previousComment)};`
            : `ALTER TABLE ${target.table}\n${chosen.map(([name]) => `    DROP COLUMN ${name}`).join(",\n")};`,
        );
        break;
      }
      case "backfill_update": {
        const { group: target, columns } = g.lastAdded ?? { group: g, columns: [] };
        if (columns.length === 0) {
          emit(
            kind,
            `backfill_${target.table}_amount`,
            `UPDATE ${target.table}\nSET amount = amount + 1\nWHERE amount < 10;`,
            `SELECT NOT EXISTS (SELECT 1 FROM ${target.table} WHERE amount < 1)`,
            // Not an exact inverse (rows already in [10, 11) go down too); only the catalog is compared.
            `UPDATE ${target.table}\nSET amount = amount - 1\nWHERE amount >= 1 AND amount < 11;`,
          );
          break;
        }
        const sets = columns.map(([name, , expr]) => `${name} = ${expr}`);
        const where = columns.map(([, , , pending]) => pending).join("\n   OR ");
        emit(
          kind,
          `backfill_${target.table}_${columns.map((c) => c[0]).join("_and_")}`,
          `
UPDATE ${target.table}
SET ${sets.join(",\n    ")}
WHERE ${where};
`,
          `SELECT count(*) = ${rows.get(target.table)} FROM ${target.table}`,
          `UPDATE ${target.table}\nSET ${columns.map(([name]) => `${name} = DEFAULT`).join(",\n    ")};`,
        );
        break;
      }
      case "check_and_function":
        emit(
          kind,
          `add_${t}_amount_check_and_total_function`,
          `
ALTER TABLE ${t}
    ADD CONSTRAINT ${t}_amount_nonnegative CHECK (amount >= 0) NOT VALID;
ALTER TABLE ${t}
    VALIDATE CONSTRAINT ${t}_amount_nonnegative;

CREATE FUNCTION ${t}_tenant_total(p_tenant_id bigint) RETURNS numeric
    LANGUAGE sql
    STABLE
AS $$
    SELECT coalesce(sum(amount), 0) FROM ${t} WHERE tenant_id = p_tenant_id
$$;
`,
          `SELECT to_regprocedure(${quote(`public.${t}_tenant_total(bigint)`)}) IS NOT NULL`,
          `DROP FUNCTION ${t}_tenant_total(bigint);\nALTER TABLE ${t}\n    DROP CONSTRAINT ${t}_amount_nonnegative;`,
        );
        break;
      default:
        throw new Error(`unknown kind ${kind}`);
    }
  }

  const tables = [...rows.keys()];
  const expectedRows = [...rows.values()].reduce((a, b) => a + b, 0);
  return {
    migrations,
    tables,
    expectedRows,
    drydockToml: '[project]\nmigrations = "migrations"\n',
  };
}

/** Writes the project into outDir (replacing *.sql files already in outDir/migrations). */
export function writeProject(project, outDir) {
  const migDir = join(outDir, "migrations");
  mkdirSync(migDir, { recursive: true });
  for (const f of readdirSync(migDir)) if (f.endsWith(".sql")) rmSync(join(migDir, f));
  writeFileSync(join(outDir, "drydock.toml"), project.drydockToml);
  for (const m of project.migrations) {
    writeFileSync(join(migDir, m.file), m.sql);
    if (m.down) writeFileSync(join(migDir, m.down.file), m.down.sql);
  }
}

const USAGE = "usage: node bench/generate-migrations.mjs --count N --out DIR [--seed S] [--downs]";

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const opts = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    defaults: { count: 300, seed: 1, out: null, downs: false },
    // generateProject says what is wrong with a count or a seed.
    flags: { "--count": ["count", Number], "--seed": ["seed", Number], "--out": ["out", text], "--downs": ["downs", toggle] },
  });
  if (!opts.out) exitWithUsage(USAGE, "--out DIR is required");
  let project;
  try {
    project = generateProject({ count: opts.count, seed: opts.seed, downs: opts.downs });
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  writeProject(project, opts.out);
  const kinds = {};
  for (const m of project.migrations) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
  console.log(
    `wrote ${project.migrations.length} migrations (seed ${opts.seed})${opts.downs ? " with downs" : ""} to ${join(opts.out, "migrations")}: ` +
      `${project.tables.length} tables, ${project.expectedRows} rows; ` +
      Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
  );
}
