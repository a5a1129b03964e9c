import type { Engine } from "../../src/db/engine.js";
import type { ColumnSnapshot, Snapshot, TableSnapshot, ViewSnapshot } from "../../src/model/snapshot.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import { quoteIdent, quoteLiteral } from "../../src/util/quote-ident.js";

/** A deterministic stream of pseudo-random numbers: the same seed gives the same edits. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  chance(probability: number): boolean;
  /** One item, or undefined for an empty list. */
  pick<T>(items: readonly T[]): T | undefined;
}

/** mulberry32: 32 bits of state, good enough to spread edits, and replayable from one number. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return { next, int, chance: (probability) => next() < probability, pick: (items) => items[int(items.length)] };
}

/** The kinds of edit the generator makes; each is one small, valid-looking DDL change. */
export const editKinds = [
  "add column",
  "drop column",
  "rename column",
  "alter column type",
  "alter column type under views and policies",
  "set not null",
  "drop not null",
  "set default",
  "drop default",
  "add check",
  "drop check",
  "add unique",
  "drop unique",
  "add index",
  "drop index",
  "add foreign key",
  "drop foreign key",
  "toggle rls",
  "create policy",
  "alter policy",
  "drop policy",
  "create function",
  "replace function",
  "drop function",
  "create view",
  "replace view",
  "rebuild view",
  "drop view",
  "create table",
  "drop table",
  "add enum label",
  "grant",
  "comment",
] as const;

/** One of `editKinds`. */
export type EditKind = (typeof editKinds)[number];

/** One edit: its kind and the SQL that makes it (one or several statements, run as one unit). */
export interface SchemaEdit {
  kind: EditKind;
  sql: string;
}

/** An edit PostgreSQL refused (its savepoint was rolled back and another edit was tried). */
export interface RejectedEdit extends SchemaEdit {
  error: string;
}

/** What `applyRandomEdits` edits, with which randomness, and how much. */
export interface ApplyRandomEditsOptions {
  /** The schemas whose objects are edited (and snapshotted between edits). */
  schemas: readonly string[];
  random: Random;
  /** How many edits must succeed. */
  count: number;
  /** The tables hold rows: edits whose effect on rows the diff cannot repeat are left out (see `proposeEdit`). */
  hasRows: boolean;
  /** Proposals tried per edit before giving up on it; default 40. */
  attemptsPerEdit?: number;
}

/** The edits made, in order, and those PostgreSQL refused on the way. */
export interface ApplyRandomEditsResult {
  edits: SchemaEdit[];
  rejected: RejectedEdit[];
}

/**
 * Makes `count` random edits on the database of `engine`, each chosen from a snapshot of its
 * current schema so that it names objects that exist. Each edit runs inside a savepoint: when
 * PostgreSQL refuses it (a column a view uses, rows that break a new constraint), the savepoint
 * is rolled back and another edit is tried. The caller must have opened a transaction.
 */
export async function applyRandomEdits(engine: Engine, options: ApplyRandomEditsOptions): Promise<ApplyRandomEditsResult> {
  const edits: SchemaEdit[] = [];
  const rejected: RejectedEdit[] = [];
  const added = new Set<string>();
  const touched = new Set<string>();
  let snapshot = await takeSnapshot(engine, { schemas: options.schemas });
  for (let made = 0; made < options.count; made++) {
    for (let attempt = 0; attempt < (options.attemptsPerEdit ?? 40); attempt++) {
      const focused: Snapshot = {
        ...snapshot,
        tables: snapshot.tables.filter((table) => touched.has(keyOf(table))),
        views: snapshot.views.filter((view) => touched.has(keyOf(view))),
      };
      const scope = touched.size > 0 && options.random.chance(0.5) ? focused : snapshot;
      const edit = proposeEdit({ snapshot, scope, random: options.random, hasRows: options.hasRows, addedColumns: added });
      if (!edit) continue;
      await engine.exec("SAVEPOINT drydock_edit");
      try {
        await engine.exec(edit.sql);
      } catch (error) {
        await engine.exec("ROLLBACK TO SAVEPOINT drydock_edit");
        rejected.push({ ...edit, error: (error as Error).message });
        continue;
      }
      await engine.exec("RELEASE SAVEPOINT drydock_edit");
      edits.push(edit);
      const before = snapshot;
      snapshot = await takeSnapshot(engine, { schemas: options.schemas });
      for (const column of newColumns(before, snapshot)) added.add(column);
      for (const key of changedRelations(before, snapshot)) touched.add(key);
      break;
    }
  }
  return { edits, rejected };
}

/** What an edit is chosen from. */
export interface EditContext {
  snapshot: Snapshot;
  /**
   * Where the edited objects are picked: the snapshot, or half the time only the tables and
   * views that earlier edits of the pair touched, so that edits pile up on the same objects
   * (a view over a column just added, a key on a column just retyped).
   */
  scope: Snapshot;
  random: Random;
  /** The tables hold rows. */
  hasRows: boolean;
  /** `schema.table.column` of the columns added by earlier edits of the same pair. */
  addedColumns: ReadonlySet<string>;
}

/**
 * One random edit of the schema in `context.snapshot`, or null when the kind drawn has nothing
 * to work on. Edits name objects that exist; whether PostgreSQL accepts them (dependencies,
 * rows) is left to PostgreSQL.
 *
 * With rows, the default of a column added earlier in the same pair is never changed: the diff
 * adds the column with its final default, so rows that got the first default in B get the
 * final one in A, and a later NOT NULL, CHECK, UNIQUE or foreign key may hold for one and not
 * for the other (the diff cannot know what B's rows hold; a backfill is a data migration).
 */
export function proposeEdit(context: EditContext): SchemaEdit | null {
  const kind = context.random.pick(editKinds) ?? "add column";
  const sql = proposers[kind](context);
  return sql ? { kind, sql } : null;
}

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;
const qualified = (object: { schema: string; name: string }): string => `${quoteIdent(object.schema)}.${quoteIdent(object.name)}`;

function newColumns(before: Snapshot, after: Snapshot): string[] {
  const had = new Set(before.tables.flatMap((table) => table.columns.map((column) => `${keyOf(table)}.${column.name}`)));
  return after.tables.flatMap((table) => table.columns.map((column) => `${keyOf(table)}.${column.name}`)).filter((key) => !had.has(key));
}

/** Tables and views that are new or differ in any way. */
function changedRelations(before: Snapshot, after: Snapshot): string[] {
  const was = new Map([...before.tables, ...before.views].map((relation) => [keyOf(relation), JSON.stringify(relation)]));
  return [...after.tables, ...after.views].filter((relation) => was.get(keyOf(relation)) !== JSON.stringify(relation)).map(keyOf);
}

function nameFor(context: EditContext, prefix: string): string {
  return `${prefix}_${context.random.int(36 ** 5).toString(36)}`;
}

function plainTables(snapshot: Snapshot): TableSnapshot[] {
  return snapshot.tables.filter((table) => table.kind === "table" && !table.partition_of && table.inherits.length === 0);
}

/** Columns whose value an edit may set: neither generated nor identity. */
function ordinaryColumns(table: TableSnapshot): ColumnSnapshot[] {
  return table.columns.filter((column) => !column.generated && !column.identity);
}

function pickColumn(context: EditContext, filter: (table: TableSnapshot, column: ColumnSnapshot) => boolean = () => true) {
  const choices = plainTables(context.scope).flatMap((table) =>
    table.columns.filter((column) => filter(table, column)).map((column) => ({ table, column })),
  );
  return context.random.pick(choices);
}

function roles(snapshot: Snapshot): string[] {
  const names = new Set<string>();
  for (const table of snapshot.tables) {
    for (const grant of table.grants) names.add(grant.grantee);
    for (const policy of table.policies) for (const role of policy.roles) names.add(role);
  }
  names.delete("PUBLIC");
  names.delete("public");
  return [...names].sort();
}

const numericType = /^(smallint|integer|bigint|numeric.*|real|double precision)$/;
const textType = /^(text|character varying.*|character\(.*)$/;

/** A constant of the column's type, or null for types the generator does not know. */
function literalFor(type: string, context: EditContext): string | null {
  const { random, snapshot } = context;
  if (/^(smallint|integer|bigint)$/.test(type)) return String(random.int(100));
  if (/^numeric/.test(type)) return `${random.int(100)}.5`;
  if (textType.test(type)) return quoteLiteral(random.pick(["x", "abc", "def"]) ?? "x");
  if (type === "boolean") return random.chance(0.5) ? "true" : "false";
  if (type === "timestamp with time zone") return random.chance(0.5) ? "now()" : "'2024-01-01 00:00:00+00'::timestamp with time zone";
  if (type === "jsonb") return "'{}'::jsonb";
  if (type === "text[]") return "'{}'::text[]";
  const enumType = snapshot.types.find((candidate) => candidate.kind === "enum" && keyOf(candidate) === type);
  if (enumType?.kind === "enum" && enumType.labels.length > 0) return `${quoteLiteral(random.pick(enumType.labels) ?? "")}::${type}`;
  return null;
}

/** A boolean expression over one column (for checks, policies and partial indexes). */
function conditionOn(column: ColumnSnapshot, context: EditContext): string {
  const name = quoteIdent(column.name);
  if (numericType.test(column.type)) return context.random.chance(0.5) ? `${name} >= 0` : `${name} < 1000000000`;
  if (textType.test(column.type)) return context.random.chance(0.5) ? `length(${name}) < 1000` : `${name} <> ''`;
  if (column.type === "timestamp with time zone") return `${name} > '2000-01-01 00:00:00+00'::timestamp with time zone`;
  return `${name} IS NOT NULL`;
}

/** The wider type PostgreSQL converts to without losing data, or null. */
function widerType(type: string, random: Random): string | null {
  if (type === "smallint") return random.pick(["integer", "bigint"]) ?? null;
  if (type === "integer") return "bigint";
  const varchar = /^character varying\((\d+)\)$/.exec(type);
  if (varchar) return random.chance(0.5) ? "text" : `character varying(${Number(varchar[1]) * 2})`;
  if (type === "character varying") return "text";
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (numeric) return `numeric(${Number(numeric[1]) + 2},${numeric[2]})`;
  return null;
}

/** Views that name `relation` (pg_get_viewdef qualifies every name), then views naming those, in creation order. */
function dependentViews(snapshot: Snapshot, relation: { schema: string; name: string }): ViewSnapshot[] {
  const names = (view: ViewSnapshot, other: { schema: string; name: string }) =>
    new RegExp(`(^|[^\\w."])${other.schema}\\.${other.name}($|[^\\w"])`).test(view.definition);
  const found: ViewSnapshot[] = [];
  const visit = (target: { schema: string; name: string }) => {
    for (const view of snapshot.views) {
      if (!found.includes(view) && names(view, target)) {
        found.push(view);
        visit(view);
      }
    }
  };
  visit(relation);
  // A view found later may be named by one found earlier: order by the longest chain to it.
  const depth = (view: ViewSnapshot, seen: ViewSnapshot[] = []): number =>
    Math.max(
      0,
      ...found.filter((other) => other !== view && !seen.includes(other) && names(view, other)).map((o) => 1 + depth(o, [...seen, view])),
    );
  return [...found].sort((x, y) => depth(x) - depth(y));
}

/** The statements that make a view (or materialized view) again as the snapshot has it. */
function createViewSql(view: ViewSnapshot): string[] {
  const options = view.options.length > 0 ? ` WITH (${view.options.join(", ")})` : "";
  const query = view.definition.trim().replace(/;$/, "");
  const kind = view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW";
  const data = view.kind === "view" ? "" : view.is_populated === false ? " WITH NO DATA" : " WITH DATA";
  const out = [`CREATE ${kind} ${qualified(view)}${options} AS ${query}${data};`];
  for (const index of view.indexes) out.push(`${index.definition};`);
  for (const grant of view.grants) {
    out.push(`GRANT ${grant.privilege} ON ${qualified(view)} TO ${grant.grantee === "PUBLIC" ? "PUBLIC" : quoteIdent(grant.grantee)};`);
  }
  if (view.comment !== null) out.push(`COMMENT ON ${kind} ${qualified(view)} IS ${quoteLiteral(view.comment)};`);
  return out;
}

function rolesSql(names: readonly string[]): string {
  return names.length === 0 || names.includes("public") ? "PUBLIC" : names.map(quoteIdent).join(", ");
}

type Proposer = (context: EditContext) => string | null;

const proposers: Record<EditKind, Proposer> = {
  "add column": (context) => {
    const { random } = context;
    const table = random.pick(plainTables(context.scope));
    if (!table) return null;
    const type =
      random.pick([
        "integer",
        "bigint",
        "text",
        "boolean",
        "character varying(40)",
        "numeric(10,2)",
        "timestamp with time zone",
        "jsonb",
        "text[]",
      ]) ?? "text";
    const literal = literalFor(type, context);
    const shape = random.int(3);
    const tail = shape === 0 ? "" : shape === 1 ? ` DEFAULT ${literal}` : ` NOT NULL DEFAULT ${literal}`;
    return `ALTER TABLE ${qualified(table)} ADD COLUMN ${quoteIdent(nameFor(context, "col"))} ${type}${tail};`;
  },
  "drop column": (context) => {
    const picked = pickColumn(context, (table) => table.columns.length > 1);
    if (!picked) return null;
    const cascade = context.random.chance(0.3) ? " CASCADE" : "";
    return `ALTER TABLE ${qualified(picked.table)} DROP COLUMN ${quoteIdent(picked.column.name)}${cascade};`;
  },
  "rename column": (context) => {
    // The diff makes a rename a drop and an add (docs/diff.md, known gaps): the column comes
    // back last, and empty. With rows, its constraints would meet nulls or defaults instead of
    // the old values, so bases with rows get no renames.
    // A column a generated column is computed from is not renamed either: the diff cannot
    // change a generation expression (known gap).
    if (context.hasRows) return null;
    const picked = pickColumn(
      context,
      (table, column) => !table.columns.some((other) => other.generated?.expression.includes(column.name)),
    );
    if (!picked) return null;
    return `ALTER TABLE ${qualified(picked.table)} RENAME COLUMN ${quoteIdent(picked.column.name)} TO ${quoteIdent(nameFor(context, "col"))};`;
  },
  "alter column type": (context) => {
    const picked = pickColumn(context, (_, column) => widerType(column.type, context.random) !== null);
    if (!picked) return null;
    const type = widerType(picked.column.type, context.random);
    return `ALTER TABLE ${qualified(picked.table)} ALTER COLUMN ${quoteIdent(picked.column.name)} TYPE ${type};`;
  },
  "alter column type under views and policies": (context) => {
    // PostgreSQL refuses to change the type of a column a view or a policy uses: they are
    // dropped, the column changed, and they are created again, in one unit.
    const usedBy = (table: TableSnapshot, column: ColumnSnapshot) =>
      table.policies.filter((policy) => `${policy.using ?? ""} ${policy.with_check ?? ""}`.includes(column.name));
    const picked = pickColumn(
      context,
      (table, column) =>
        widerType(column.type, context.random) !== null &&
        (dependentViews(context.snapshot, table).length > 0 || usedBy(table, column).length > 0),
    );
    if (!picked) return null;
    const { table, column } = picked;
    const views = dependentViews(context.snapshot, table);
    if (views.some((view) => view.triggers.length > 0)) return null;
    const policies = usedBy(table, column);
    const out = [...views].reverse().map((view) => `DROP ${view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW"} ${qualified(view)};`);
    for (const policy of policies) out.push(`DROP POLICY ${quoteIdent(policy.name)} ON ${qualified(table)};`);
    out.push(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quoteIdent(column.name)} TYPE ${widerType(column.type, context.random)};`);
    for (const view of views) out.push(...createViewSql(view));
    for (const policy of policies) {
      const using = policy.using !== null ? ` USING (${policy.using})` : "";
      const check = policy.with_check !== null ? ` WITH CHECK (${policy.with_check})` : "";
      out.push(
        `CREATE POLICY ${quoteIdent(policy.name)} ON ${qualified(table)} AS ${policy.mode.toUpperCase()} FOR ${policy.command.toUpperCase()} TO ${rolesSql(policy.roles)}${using}${check};`,
      );
    }
    return out.join("\n");
  },
  "set not null": (context) => {
    const picked = pickColumn(context, (_, column) => !column.not_null);
    return picked ? `ALTER TABLE ${qualified(picked.table)} ALTER COLUMN ${quoteIdent(picked.column.name)} SET NOT NULL;` : null;
  },
  "drop not null": (context) => {
    const picked = pickColumn(context, (_, column) => column.not_null);
    return picked ? `ALTER TABLE ${qualified(picked.table)} ALTER COLUMN ${quoteIdent(picked.column.name)} DROP NOT NULL;` : null;
  },
  "set default": (context) => {
    const picked = pickColumn(
      context,
      (table, column) =>
        !column.generated &&
        !column.identity &&
        literalFor(column.type, context) !== null &&
        !(context.hasRows && context.addedColumns.has(`${keyOf(table)}.${column.name}`)),
    );
    if (!picked) return null;
    return `ALTER TABLE ${qualified(picked.table)} ALTER COLUMN ${quoteIdent(picked.column.name)} SET DEFAULT ${literalFor(picked.column.type, context)};`;
  },
  "drop default": (context) => {
    const picked = pickColumn(
      context,
      (table, column) =>
        column.default !== null && !column.generated && !(context.hasRows && context.addedColumns.has(`${keyOf(table)}.${column.name}`)),
    );
    return picked ? `ALTER TABLE ${qualified(picked.table)} ALTER COLUMN ${quoteIdent(picked.column.name)} DROP DEFAULT;` : null;
  },
  "add check": (context) => {
    const picked = pickColumn(context, (table, column) => ordinaryColumns(table).includes(column));
    if (!picked) return null;
    const notValid = context.random.chance(0.2) ? " NOT VALID" : "";
    return `ALTER TABLE ${qualified(picked.table)} ADD CONSTRAINT ${quoteIdent(nameFor(context, "chk"))} CHECK (${conditionOn(picked.column, context)})${notValid};`;
  },
  "drop check": (context) => dropConstraint(context, (type) => type === "check"),
  "add unique": (context) => {
    const table = context.random.pick(plainTables(context.scope).filter((candidate) => ordinaryColumns(candidate).length > 0));
    if (!table) return null;
    const columns = pickSome(context.random, ordinaryColumns(table), 2).filter((column) => column.type !== "jsonb");
    if (columns.length === 0) return null;
    const options = context.random.pick(["", " DEFERRABLE", " NULLS NOT DISTINCT"]) ?? "";
    const nulls = options === " NULLS NOT DISTINCT" ? options : "";
    const deferrable = options === " DEFERRABLE" ? options : "";
    return `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${quoteIdent(nameFor(context, "uq"))} UNIQUE${nulls} (${columns.map((c) => quoteIdent(c.name)).join(", ")})${deferrable};`;
  },
  "drop unique": (context) => dropConstraint(context, (type) => type === "unique" || type === "primary key"),
  "add index": (context) => {
    const { random } = context;
    const table = random.pick(plainTables(context.scope));
    if (!table) return null;
    const columns = pickSome(random, table.columns, 2).filter((column) => column.type !== "jsonb" && !column.type.endsWith("[]"));
    const first = columns[0];
    if (!first) return null;
    const keys = columns.map((column) =>
      textType.test(column.type) && random.chance(0.3)
        ? `lower(${quoteIdent(column.name)})`
        : `${quoteIdent(column.name)}${random.chance(0.2) ? " DESC" : ""}`,
    );
    const unique = random.chance(0.2) ? "UNIQUE " : "";
    const where = random.chance(0.3) ? ` WHERE ${conditionOn(first, context)}` : "";
    return `CREATE ${unique}INDEX ${quoteIdent(nameFor(context, "idx"))} ON ${qualified(table)} (${keys.join(", ")})${where};`;
  },
  "drop index": (context) => {
    const choices = plainTables(context.scope).flatMap((table) =>
      table.indexes.filter((index) => index.constraint === null).map((index) => ({ table, index })),
    );
    const picked = context.random.pick(choices);
    return picked ? `DROP INDEX ${quoteIdent(picked.table.schema)}.${quoteIdent(picked.index.name)};` : null;
  },
  "add foreign key": (context) => {
    const { random, snapshot } = context;
    const targets = plainTables(snapshot).flatMap((table) =>
      table.constraints
        .filter((constraint) => (constraint.type === "primary key" || constraint.type === "unique") && constraint.columns.length === 1)
        .flatMap((constraint) => {
          const column = table.columns.find((candidate) => candidate.name === constraint.columns[0]);
          return column ? [{ table, column }] : [];
        }),
    );
    const target = random.pick(targets);
    if (!target) return null;
    const source = pickColumn(context, (table, column) => column.type === target.column.type && ordinaryColumns(table).includes(column));
    if (!source) return null;
    const action = random.pick(["NO ACTION", "RESTRICT", "CASCADE", "SET NULL"]) ?? "NO ACTION";
    const notValid = random.chance(0.2) ? " NOT VALID" : "";
    return `ALTER TABLE ${qualified(source.table)} ADD CONSTRAINT ${quoteIdent(nameFor(context, "fk"))} FOREIGN KEY (${quoteIdent(source.column.name)}) REFERENCES ${qualified(target.table)} (${quoteIdent(target.column.name)}) ON DELETE ${action}${notValid};`;
  },
  "drop foreign key": (context) => dropConstraint(context, (type) => type === "foreign key"),
  "toggle rls": (context) => {
    const table = context.random.pick(plainTables(context.scope));
    if (!table) return null;
    const change = context.random.pick(["ENABLE", "DISABLE", "FORCE", "NO FORCE"]) ?? "ENABLE";
    return `ALTER TABLE ${qualified(table)} ${change} ROW LEVEL SECURITY;`;
  },
  "create policy": (context) => {
    const { random } = context;
    const picked = pickColumn(context);
    if (!picked) return null;
    const command = random.pick(["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]) ?? "ALL";
    const mode = random.chance(0.25) ? "RESTRICTIVE" : "PERMISSIVE";
    const role = random.chance(0.5) ? random.pick(roles(context.snapshot)) : undefined;
    const condition = conditionOn(picked.column, context);
    const using = command === "INSERT" ? "" : ` USING (${condition})`;
    const check = command === "ALL" || command === "INSERT" || command === "UPDATE" ? ` WITH CHECK (${condition})` : "";
    return `CREATE POLICY ${quoteIdent(nameFor(context, "pol"))} ON ${qualified(picked.table)} AS ${mode} FOR ${command} TO ${role ? quoteIdent(role) : "PUBLIC"}${using}${check};`;
  },
  "alter policy": (context) => {
    const { random } = context;
    const picked = random.pick(plainTables(context.scope).flatMap((table) => table.policies.map((policy) => ({ table, policy }))));
    if (!picked) return null;
    const column = random.pick(picked.table.columns);
    if (!column) return null;
    const target = `ALTER POLICY ${quoteIdent(picked.policy.name)} ON ${qualified(picked.table)}`;
    const change = random.int(3);
    if (change === 0) return `${target} TO ${random.chance(0.5) ? "PUBLIC" : rolesSql(roles(context.snapshot))};`;
    if (change === 1) return `${target} RENAME TO ${quoteIdent(nameFor(context, "pol"))};`;
    if (picked.policy.command === "insert") return `${target} WITH CHECK (${conditionOn(column, context)});`;
    return `${target} USING (${conditionOn(column, context)});`;
  },
  "drop policy": (context) => {
    const picked = context.random.pick(plainTables(context.scope).flatMap((table) => table.policies.map((policy) => ({ table, policy }))));
    return picked ? `DROP POLICY ${quoteIdent(picked.policy.name)} ON ${qualified(picked.table)};` : null;
  },
  "create function": (context) => {
    const { random, snapshot } = context;
    const schema = random.pick(snapshot.schemas)?.name;
    if (!schema) return null;
    const name = `${quoteIdent(schema)}.${quoteIdent(nameFor(context, "fn"))}`;
    const picked = pickColumn(context);
    const shape = random.int(5);
    if (shape === 0 || !picked)
      return `CREATE FUNCTION ${name}(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$SELECT x + ${random.int(10)}$$;`;
    if (shape === 1) return `CREATE FUNCTION ${name}(x text) RETURNS text LANGUAGE plpgsql STABLE AS $$BEGIN RETURN upper(x); END$$;`;
    if (shape === 2)
      return `CREATE FUNCTION ${name}() RETURNS bigint LANGUAGE sql STABLE AS $$SELECT count(*) FROM ${qualified(picked.table)}$$;`;
    if (shape === 3)
      return `CREATE FUNCTION ${name}() RETURNS SETOF ${qualified(picked.table)} LANGUAGE sql STABLE AS $$SELECT * FROM ${qualified(picked.table)}$$;`;
    // SQL-standard bodies are parsed at creation and depend on the columns they name.
    return `CREATE FUNCTION ${name}() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(${quoteIdent(picked.column.name)}) FROM ${qualified(picked.table)}; END;`;
  },
  "replace function": (context) => {
    const fn = context.random.pick(
      context.snapshot.functions.filter((candidate) => candidate.definition !== null && /\bAS \$function\$/.test(candidate.definition)),
    );
    if (!fn?.definition) return null;
    return `${fn.definition.replace(/\bAS \$function\$/, `AS $function$/* edit ${context.random.int(1000)} */`).trimEnd()};`;
  },
  "drop function": (context) => {
    const fn = context.random.pick(context.snapshot.functions.filter((candidate) => candidate.kind === "function"));
    return fn ? `DROP FUNCTION ${fn.signature};` : null;
  },
  "create view": (context) => {
    const { random, snapshot } = context;
    const source = random.pick<TableSnapshot | ViewSnapshot>([
      ...plainTables(context.scope),
      ...context.scope.views.filter((view) => view.kind === "view"),
    ]);
    if (!source) return null;
    const columns = pickSome(random, source.columns, 3);
    const first = columns[0];
    if (!first) return null;
    const where = random.chance(0.4) ? ` WHERE ${conditionOn(first, context)}` : "";
    const name = `${quoteIdent(source.schema)}.${quoteIdent(nameFor(context, "v"))}`;
    const select = `SELECT ${columns.map((c) => quoteIdent(c.name)).join(", ")} FROM ${qualified(source)}${where}`;
    if (random.chance(0.2)) {
      const data = random.chance(0.3) ? "NO DATA" : "DATA";
      const index = random.chance(0.5)
        ? `\nCREATE INDEX ${quoteIdent(nameFor(context, "idx"))} ON ${name} (${quoteIdent(first.name)});`
        : "";
      return `CREATE MATERIALIZED VIEW ${name} AS ${select} WITH ${data};${index}`;
    }
    const options = random.pick(["", " WITH (security_invoker = true)", " WITH (security_barrier = true)"]) ?? "";
    const out = [`CREATE VIEW ${name}${options} AS ${select};`];
    const role = random.pick(roles(snapshot));
    if (role && random.chance(0.3)) out.push(`GRANT SELECT ON ${name} TO ${quoteIdent(role)};`);
    return out.join("\n");
  },
  "replace view": (context) => {
    // CREATE OR REPLACE VIEW may add columns at the end and change the query, nothing else.
    const view = context.random.pick(context.scope.views.filter((candidate) => candidate.kind === "view"));
    if (!view) return null;
    const query = view.definition.trim().replace(/;$/, "");
    const extra = context.random.chance(0.5) ? `, ${context.random.int(100)} AS ${quoteIdent(nameFor(context, "extra"))}` : "";
    const options = view.options.length > 0 ? ` WITH (${view.options.join(", ")})` : "";
    return `CREATE OR REPLACE VIEW ${qualified(view)}${options} AS SELECT sub.*${extra} FROM (${query}) AS sub WHERE ${context.random.int(3) > 0 ? "true" : "false"};`;
  },
  "rebuild view": (context) => {
    // A view that loses a column or changes a column's type can only be dropped and created.
    const { random } = context;
    const view = random.pick(context.scope.views.filter((candidate) => candidate.kind === "view" && candidate.columns.length > 0));
    if (!view) return null;
    const query = view.definition.trim().replace(/;$/, "");
    const columns = [...view.columns].sort((x, y) => x.position - y.position);
    const kept = columns.length > 1 && random.chance(0.5) ? pickSome(random, columns, columns.length - 1) : columns;
    const list = kept.map((column, index) =>
      index === 0 && kept.length === columns.length
        ? `sub.${quoteIdent(column.name)}::text AS ${quoteIdent(column.name)}`
        : `sub.${quoteIdent(column.name)}`,
    );
    return `DROP VIEW ${qualified(view)};\nCREATE VIEW ${qualified(view)} AS SELECT ${list.join(", ")} FROM (${query}) AS sub;`;
  },
  "drop view": (context) => {
    const view = context.random.pick(context.scope.views);
    if (!view) return null;
    return `DROP ${view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW"} ${qualified(view)}${context.random.chance(0.3) ? " CASCADE" : ""};`;
  },
  "create table": (context) => {
    const { random, snapshot } = context;
    const schema = random.pick(snapshot.schemas)?.name;
    if (!schema) return null;
    const columns = [
      random.chance(0.7) ? "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "id serial PRIMARY KEY",
      "name text NOT NULL DEFAULT ''",
    ];
    if (random.chance(0.5)) columns.push("amount numeric(10,2) CHECK (amount >= 0)");
    const target = random.pick(
      plainTables(snapshot).flatMap((table) =>
        table.constraints
          .filter((constraint) => (constraint.type === "primary key" || constraint.type === "unique") && constraint.columns.length === 1)
          .map((constraint) => ({ table, column: table.columns.find((column) => column.name === constraint.columns[0]) })),
      ),
    );
    if (target?.column && random.chance(0.6)) {
      columns.push(
        `ref_id ${target.column.type} REFERENCES ${qualified(target.table)} (${quoteIdent(target.column.name)}) ON DELETE CASCADE`,
      );
    }
    if (random.chance(0.3)) columns.push("UNIQUE (name)");
    const name = `${quoteIdent(schema)}.${quoteIdent(nameFor(context, "tbl"))}`;
    const out = [`CREATE TABLE ${name} (${columns.join(", ")});`];
    if (random.chance(0.3)) out.push(`CREATE INDEX ${quoteIdent(nameFor(context, "idx"))} ON ${name} (name);`);
    return out.join("\n");
  },
  "drop table": (context) => {
    const table = context.random.pick(plainTables(context.scope));
    return table ? `DROP TABLE ${qualified(table)}${context.random.chance(0.3) ? " CASCADE" : ""};` : null;
  },
  "add enum label": (context) => {
    const type = context.random.pick(context.snapshot.types.filter((candidate) => candidate.kind === "enum"));
    if (type?.kind !== "enum") return null;
    const anchor = context.random.pick(type.labels);
    const place = anchor ? ` ${context.random.chance(0.5) ? "BEFORE" : "AFTER"} ${quoteLiteral(anchor)}` : "";
    return `ALTER TYPE ${qualified(type)} ADD VALUE ${quoteLiteral(nameFor(context, "label"))}${place};`;
  },
  grant: (context) => {
    const { random, snapshot } = context;
    const relation = random.pick<TableSnapshot | ViewSnapshot>([...plainTables(context.scope), ...context.scope.views]);
    const role = random.pick(roles(snapshot));
    if (!relation || !role) return null;
    const privilege = random.pick(["SELECT", "INSERT", "UPDATE", "DELETE"]) ?? "SELECT";
    const column = random.chance(0.3) && privilege !== "DELETE" ? random.pick(relation.columns) : undefined;
    const what = column ? `${privilege} (${quoteIdent(column.name)})` : privilege;
    return random.chance(0.3)
      ? `REVOKE ${what} ON ${qualified(relation)} FROM ${quoteIdent(role)};`
      : `GRANT ${what} ON ${qualified(relation)} TO ${quoteIdent(role)};`;
  },
  comment: (context) => {
    const picked = pickColumn(context);
    if (!picked) return null;
    const text = context.random.chance(0.2) ? "NULL" : quoteLiteral(`note ${context.random.int(1000)}`);
    return context.random.chance(0.5)
      ? `COMMENT ON COLUMN ${qualified(picked.table)}.${quoteIdent(picked.column.name)} IS ${text};`
      : `COMMENT ON TABLE ${qualified(picked.table)} IS ${text};`;
  },
};

function dropConstraint(context: EditContext, type: (type: string) => boolean): string | null {
  const picked = context.random.pick(
    plainTables(context.scope).flatMap((table) =>
      table.constraints.filter((constraint) => type(constraint.type)).map((constraint) => ({ table, constraint })),
    ),
  );
  return picked ? `ALTER TABLE ${qualified(picked.table)} DROP CONSTRAINT ${quoteIdent(picked.constraint.name)};` : null;
}

/** Between 1 and `most` distinct items, in their original order. */
function pickSome<T>(random: Random, items: readonly T[], most: number): T[] {
  const count = Math.min(items.length, 1 + random.int(most));
  const chosen = new Set<T>();
  while (chosen.size < count) {
    const item = random.pick(items);
    if (item !== undefined) chosen.add(item);
  }
  return items.filter((item) => chosen.has(item));
}
