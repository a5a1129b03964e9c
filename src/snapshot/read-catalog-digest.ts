import type { Engine } from "../db/engine.js";

/**
 * A cheap fingerprint of every user object: `"<kind> <name>"` → digest of its definition.
 * One catalog query, fast enough to run before and after each migration of a rehearsal,
 * where a full snapshot per migration would cost more than the migrations themselves.
 */
export type CatalogDigest = Map<string, string>;

/** What one migration did to the catalog, as `"<kind> <name>"` entries, sorted. */
export interface CatalogChanges {
  created: string[];
  altered: string[];
  dropped: string[];
}

/**
 * A digest with what reading the next one incrementally needs (`readCatalogStateSince`): which
 * catalog row each object is, and which rows exist.
 */
export interface CatalogState {
  digest: CatalogDigest;
  /** Identity → key: `c<oid>` for a pg_class row, `a<relid>.<attnum>` for a column, and so on. */
  identities: Map<string, string>;
  /** Per catalog, the oids of its rows (user rows; every row of pg_namespace and pg_extension). */
  rows: Map<string, Set<string>>;
  /** "full": every object was digested; "incremental": only those the transaction wrote. */
  read: "full" | "incremental";
}

type Scope = "all" | "touched";

interface DigestRow {
  kind: string;
  ident: string;
  /** null: a row the transaction wrote that is no object of the digest (a dropped column, say). */
  name: string | null;
  digest: string | null;
}

/** The prefix of an identity, per catalog whose deleted rows take objects with them. */
const identityPrefixes: ReadonlyArray<[catalog: string, prefix: string]> = [
  ["pg_namespace", "n"],
  ["pg_class", "c"],
  ["pg_constraint", "k"],
  ["pg_trigger", "t"],
  ["pg_policy", "p"],
  ["pg_proc", "f"],
  ["pg_type", "y"],
  ["pg_extension", "e"],
];

// A row this transaction wrote, or one of its subtransactions (a PL/pgSQL block with an
// EXCEPTION clause): their xids come after the top-level one, and age() counts from that one,
// modulo 2^32 as xids wrap, so it is 0 or negative exactly for them. Frozen rows read as
// xmin 2, which age() puts at INT_MAX. Works from PostgreSQL 9.x to 18 and on PGlite.
const written = (alias: string) => `pg_catalog.age(${alias}.xmin) <= 0`;

// Objects created after initdb have oids from 16384 up (FirstNormalObjectId; the oid counter
// restarts there when it wraps): the range keeps index scans to the user's rows.
const userOid = 16384;

/**
 * The digest query. "all" reads every object under the plan's names: schema-qualified,
 * unquoted; columns, constraints, triggers and policies under their table; owners count (an
 * index's is always its table's, so only the table reports the change); md5 keeps the rows
 * small, only equality matters. "touched" reads only the objects whose defining rows the current
 * transaction wrote, each named when it is still an object of the digest (a column dropped or a
 * relation moved out of the user schemas comes back with a null name). Both start with one row
 * per catalog listing the oids that exist, which is how deletions are found.
 */
function digestQuery(scope: Scope): string {
  const all = scope === "all";
  const ns = all ? "JOIN ns" : "LEFT JOIN ns";
  const onlyTouched = (condition: string) => (all ? "" : ` AND ${condition}`);
  const catalogs = identityPrefixes
    .map(([catalog]) => catalog)
    .concat("pg_enum")
    .map((catalog) => {
      const range = catalog === "pg_namespace" || catalog === "pg_extension" ? "" : ` WHERE oid >= ${userOid}`;
      return `SELECT '${catalog}' AS catalog, pg_catalog.string_agg(oid::text, ',') AS present,
         pg_catalog.string_agg(oid::text, ',') FILTER (WHERE ${written(`pg_catalog.${catalog}`)}) AS touched
    FROM pg_catalog.${catalog}${range}`;
    })
    .join("\n  UNION ALL ");
  return `
WITH ns AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'drydock')
     AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
)
SELECT '#' AS kind, catalog AS ident, present AS name, touched AS digest FROM (
  ${catalogs}
) AS catalogs
UNION ALL
SELECT 'schema', 'n' || n.oid, ns.nspname, pg_catalog.md5(pg_catalog.concat_ws('|', n.nspowner, n.nspacl::text))
  FROM pg_catalog.pg_namespace n ${ns} ON ns.oid = n.oid
 WHERE true${onlyTouched(written("n"))}
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'table' WHEN 'v' THEN 'view'
         WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type' ELSE 'index' END,
       'c' || c.oid, ns.nspname || '.' || c.relname,
       pg_catalog.md5(pg_catalog.concat_ws('|', c.relkind, CASE WHEN c.relkind NOT IN ('i', 'I') THEN c.relowner END, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
         c.reloptions::text, CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
         CASE WHEN c.relkind IN ('i', 'I') THEN pg_catalog.pg_get_indexdef(c.oid) END,
         (SELECT i.indisvalid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid)))
  FROM pg_catalog.pg_class c ${ns} ON ns.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')${onlyTouched(`c.oid IN (
         SELECT r.oid FROM pg_catalog.pg_class r WHERE r.oid >= ${userOid} AND ${written("r")}
         UNION ALL SELECT i.indexrelid FROM pg_catalog.pg_index i WHERE i.indexrelid >= ${userOid} AND ${written("i")}
         UNION ALL SELECT w.ev_class FROM pg_catalog.pg_rewrite w WHERE w.oid >= ${userOid} AND ${written("w")})`)}
UNION ALL
SELECT 'column', 'a' || a.attrelid || '.' || a.attnum,
       CASE WHEN NOT a.attisdropped THEN ns.nspname || '.' || c.relname || '.' || a.attname END,
       pg_catalog.md5(pg_catalog.concat_ws('|', a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated, a.attcollation,
         a.attacl::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid)))
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid ${ns} ON ns.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND c.relkind IN ('r', 'p', 'f', 'v', 'm')${
   all
     ? " AND NOT a.attisdropped"
     : ` AND (a.attrelid, a.attnum) IN (
         SELECT t.attrelid, t.attnum FROM pg_catalog.pg_attribute t WHERE t.attrelid >= ${userOid} AND t.attnum > 0 AND ${written("t")}
         UNION ALL SELECT t.adrelid, t.adnum FROM pg_catalog.pg_attrdef t WHERE t.oid >= ${userOid} AND ${written("t")})`
 }
UNION ALL
SELECT 'constraint', 'k' || k.oid, ns.nspname || '.' || c.relname || '.' || k.conname,
       pg_catalog.md5(pg_catalog.concat_ws('|', pg_catalog.pg_get_constraintdef(k.oid), k.convalidated))
  FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid ${ns} ON ns.oid = c.relnamespace
 WHERE k.contype <> 'n' -- PostgreSQL 18 records NOT NULL as constraints too; the column's digest has it
   ${onlyTouched(`k.oid >= ${userOid} AND ${written("k")}`)}
UNION ALL
SELECT 'trigger', 't' || t.oid, ns.nspname || '.' || c.relname || '.' || t.tgname,
       pg_catalog.md5(pg_catalog.concat_ws('|', t.tgfoid, t.tgtype, t.tgenabled, t.tgattr::text))
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid ${ns} ON ns.oid = c.relnamespace
 WHERE NOT t.tgisinternal${onlyTouched(`t.oid >= ${userOid} AND ${written("t")}`)}
UNION ALL
SELECT 'policy', 'p' || p.oid, ns.nspname || '.' || c.relname || '.' || p.polname,
       pg_catalog.md5(pg_catalog.concat_ws('|', p.polcmd, p.polpermissive, p.polroles::text,
         pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)))
  FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid ${ns} ON ns.oid = c.relnamespace
 WHERE true${onlyTouched(`p.oid >= ${userOid} AND ${written("p")}`)}
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, 'f' || p.oid,
       ns.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       pg_catalog.md5(pg_catalog.concat_ws('|', p.prosrc, p.proowner, p.prorettype, p.provolatile, p.prosecdef, p.proconfig::text, p.proacl::text, p.proisstrict))
  FROM pg_catalog.pg_proc p ${ns} ON ns.oid = p.pronamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
   ${onlyTouched(`p.oid >= ${userOid} AND ${written("p")}`)}
UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' ELSE 'type' END, 'y' || t.oid, ns.nspname || '.' || t.typname,
       pg_catalog.md5(pg_catalog.concat_ws('|', t.typtype, t.typowner, t.typbasetype, t.typnotnull, t.typdefault,
         (SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)))
  FROM pg_catalog.pg_type t ${ns} ON ns.oid = t.typnamespace
 WHERE (t.typtype IN ('e', 'd', 'r', 'm')
    OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')))${onlyTouched(`t.oid IN (
         SELECT y.oid FROM pg_catalog.pg_type y WHERE y.oid >= ${userOid} AND ${written("y")}
         UNION ALL SELECT e.enumtypid FROM pg_catalog.pg_enum e WHERE e.oid >= ${userOid} AND ${written("e")})`)}
UNION ALL
SELECT 'extension', 'e' || e.oid, e.extname, pg_catalog.md5(e.extversion) FROM pg_catalog.pg_extension e
 WHERE true${onlyTouched(written("e"))}`;
}

/** Reads the digest of every object outside the system schemas and drydock's own. */
export async function readCatalogDigest(engine: Engine): Promise<CatalogDigest> {
  return stateOf(await engine.query<DigestRow>(digestQuery("all"))).digest;
}

/**
 * Reads the digest of every object, with what `readCatalogStateSince` needs to follow it. Both
 * queries run as prepared statements of the session (`drydock_catalog_digest…`), planned once:
 * planning the incremental one costs more than running it. See `forgetPreparedDigests`.
 */
export async function readCatalogState(engine: Engine): Promise<CatalogState> {
  return stateOf(await executePrepared(engine, "all"));
}

/**
 * The state after the current transaction's changes, read inside that transaction (a
 * migration's, before its commit) and given the state from before it. Only the objects whose
 * catalog rows carry the transaction's xid or a subtransaction's (pg_class, pg_index,
 * pg_rewrite, pg_attribute, pg_attrdef, pg_constraint, pg_trigger, pg_policy, pg_proc, pg_type,
 * pg_enum, pg_namespace, pg_extension) are digested again; a deletion is a catalog oid gone
 * since the state before. Where other objects' printed definitions may have changed without
 * their rows (an object renamed or moved, an enum value renamed or reordered), it reads
 * everything instead, so the result is the full read's. What only a full read would see: the
 * rename of something without a digest of its own (a role, a collation, a base type) in the
 * printed text of other definitions, and a function joining or leaving an extension.
 */
export async function readCatalogStateSince(engine: Engine, previous: CatalogState): Promise<CatalogState> {
  return applyTouched(previous, await executePrepared(engine, "touched")) ?? readCatalogState(engine);
}

/** The objects created, altered and dropped between two digests. */
export function compareDigests(before: CatalogDigest, after: CatalogDigest): CatalogChanges {
  const changes: CatalogChanges = { created: [], altered: [], dropped: [] };
  for (const [key, digest] of after) {
    const previous = before.get(key);
    if (previous === undefined) changes.created.push(key);
    else if (previous !== digest) changes.altered.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.dropped.push(key);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

/**
 * Makes the next read on this session check that its prepared statements still exist, as the
 * first read does: call it before running SQL that may say DEALLOCATE or DISCARD. An EXECUTE of
 * a statement that is gone would fail, and inside a migration abort its transaction.
 */
export function forgetPreparedDigests(engine: Engine): void {
  preparedOn.delete(engine);
}

const statementNames: Record<Scope, string> = { all: "drydock_catalog_digest", touched: "drydock_catalog_digest_touched" };

/** The statements known to be prepared on each session (a check costs a round trip per read). */
const preparedOn = new WeakMap<Engine, Set<Scope>>();

async function executePrepared(engine: Engine, scope: Scope): Promise<DigestRow[]> {
  const name = statementNames[scope];
  const known = preparedOn.get(engine) ?? new Set<Scope>();
  if (!known.has(scope)) {
    const [found] = await engine.query<{ prepared: boolean }>(
      "SELECT EXISTS (SELECT FROM pg_catalog.pg_prepared_statements WHERE name = $1) AS prepared",
      [name],
    );
    if (!found?.prepared) await engine.exec(`PREPARE ${name} AS ${digestQuery(scope)}`);
    preparedOn.set(engine, known.add(scope));
  }
  return engine.query<DigestRow>(`EXECUTE ${name}`);
}

function stateOf(rows: readonly DigestRow[]): CatalogState {
  const state: CatalogState = { digest: new Map(), identities: new Map(), rows: new Map(), read: "full" };
  for (const row of rows) {
    if (row.kind === "#") state.rows.set(row.ident, oidsOf(row.name));
    else if (row.name !== null) {
      const key = `${row.kind} ${row.name}`;
      state.digest.set(key, row.digest ?? "");
      state.identities.set(row.ident, key);
    }
  }
  return state;
}

/** The previous state with the transaction's rows applied, or null when only a full read is exact. */
function applyTouched(previous: CatalogState, rows: readonly DigestRow[]): CatalogState | null {
  const next: CatalogState = {
    digest: new Map(previous.digest),
    identities: new Map(previous.identities),
    rows: new Map(),
    read: "incremental",
  };
  const forget = (ident: string) => {
    const key = next.identities.get(ident);
    if (key === undefined) return;
    next.identities.delete(ident);
    next.digest.delete(key);
  };
  const objects: DigestRow[] = [];
  for (const row of rows) {
    if (row.kind !== "#") {
      objects.push(row);
      continue;
    }
    next.rows.set(row.ident, oidsOf(row.name));
    // ADD VALUE inserts a row; RENAME VALUE (and a renumbering) rewrites existing ones, which
    // changes how defaults, checks and views that use the value print.
    const enumsBefore = previous.rows.get("pg_enum");
    if (row.ident === "pg_enum" && [...oidsOf(row.digest)].some((oid) => enumsBefore?.has(oid))) return null;
  }
  for (const [catalog, prefix] of identityPrefixes) {
    const now = next.rows.get(catalog) ?? new Set<string>();
    for (const oid of previous.rows.get(catalog) ?? []) {
      if (now.has(oid)) continue;
      // A relation takes its columns along; they have no row to delete, they are part of it.
      if (catalog === "pg_class" && next.identities.has(`c${oid}`)) {
        for (const ident of [...next.identities.keys()]) if (ident.startsWith(`a${oid}.`)) forget(ident);
      }
      forget(`${prefix}${oid}`);
    }
  }
  for (const row of objects) {
    const key = row.name === null ? null : `${row.kind} ${row.name}`;
    const known = previous.identities.get(row.ident);
    if (known !== undefined && known !== key) {
      // DROP COLUMN keeps the column's row, marked dropped.
      if (key === null && row.ident.startsWith("a")) {
        forget(row.ident);
        continue;
      }
      return null; // renamed or moved: definitions that print its name changed too
    }
    if (key === null) continue;
    next.digest.set(key, row.digest ?? "");
    next.identities.set(row.ident, key);
  }
  return next;
}

function oidsOf(list: string | null): Set<string> {
  return new Set(list ? list.split(",") : []);
}
