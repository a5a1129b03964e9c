import { type LockMode, lockModes, type RelationLock } from "../model/analysis.js";

/** A RangeVar as libpg-query gives it. */
export interface RangeVarLike {
  schemaname?: string;
  relname?: string;
}

type Qualify = (schema: string | undefined, name: string) => string;
type AstNode = Record<string, unknown>;

/** Relations whose creation, change or removal the table-level lock manager guards. */
const relationObjects = new Set(["OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"]);
/** Objects that live on a table and are named `[schema.]table.member`. */
const tableMembers = new Set(["OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_TRIGGER", "OBJECT_POLICY", "OBJECT_RULE"]);
const dmlStatements = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);
const queryStatements = new Set(["SelectStmt", ...dmlStatements]);

/**
 * ALTER TABLE subcommands weaker than ACCESS EXCLUSIVE, from `AlterTableGetLockLevel()` in
 * tablecmds.c and https://www.postgresql.org/docs/current/sql-altertable.html. Every other
 * subcommand (ADD/DROP COLUMN, ALTER TYPE, SET/DROP NOT NULL, SET/DROP DEFAULT, ADD CHECK/UNIQUE/
 * PRIMARY KEY even NOT VALID, DROP CONSTRAINT, ROW LEVEL SECURITY, OWNER TO, INHERIT…) takes it.
 */
const alterTableModes: Record<string, LockMode> = {
  AT_SetStatistics: "ShareUpdateExclusiveLock",
  AT_SetOptions: "ShareUpdateExclusiveLock",
  AT_ResetOptions: "ShareUpdateExclusiveLock",
  AT_ClusterOn: "ShareUpdateExclusiveLock",
  AT_DropCluster: "ShareUpdateExclusiveLock",
  AT_ValidateConstraint: "ShareUpdateExclusiveLock",
  AT_AttachPartition: "ShareUpdateExclusiveLock",
  AT_DetachPartitionFinalize: "ShareUpdateExclusiveLock",
  ...Object.fromEntries(
    ["Enable", "EnableAlways", "EnableReplica", "Disable"].flatMap((verb) =>
      ["Trig", "Rule"].map((what) => [`AT_${verb}${what}`, "ShareRowExclusiveLock"]),
    ),
  ),
  AT_EnableTrigAll: "ShareRowExclusiveLock",
  AT_EnableTrigUser: "ShareRowExclusiveLock",
  AT_DisableTrigAll: "ShareRowExclusiveLock",
  AT_DisableTrigUser: "ShareRowExclusiveLock",
};

/** Storage parameters that need ACCESS EXCLUSIVE; all others take SHARE UPDATE EXCLUSIVE (reloptions.c). */
const exclusiveRelOptions = new Set(["user_catalog_table", "security_barrier", "security_invoker", "check_option", "buffering"]);

/**
 * The table-level locks a statement takes, from PostgreSQL's documented lock levels
 * (https://www.postgresql.org/docs/current/explicit-locking.html and each command's reference page),
 * one entry per relation with the strongest mode. `qualify` turns a RangeVar (or a schema-less name list) into a schema-qualified name.
 *
 * Only relations the SQL names are reported: a new relation is not (nothing else can see it yet);
 * DROP INDEX, REINDEX INDEX and ALTER INDEX report the index, whose table (DROP INDEX: ACCESS
 * EXCLUSIVE; REINDEX INDEX: SHARE) only the catalog knows; partitions, indexes, TOAST tables, owned
 * sequences and the tables behind views, foreign keys found in the catalog (DROP TABLE, DROP
 * CONSTRAINT, VALIDATE CONSTRAINT, writes that fire RI triggers) and functions are not; the plan
 * adds those that migrations made (plan/implied-locks.ts). Statements
 * that name no relation (CREATE FUNCTION, CREATE TYPE, GRANT, VACUUM without a table…) return [].
 * GRANT and REVOKE take no table lock at all: they rewrite the pg_class row.
 *
 * `serverMajor` (default: the newest behaviour) matters for PostgreSQL 11 and older, where ATTACH
 * PARTITION took ACCESS EXCLUSIVE on the parent and ALTER INDEX … RENAME took ACCESS EXCLUSIVE
 * (SHARE UPDATE EXCLUSIVE since 12). Statements a version lacks (REINDEX CONCURRENTLY before 12,
 * DETACH PARTITION CONCURRENTLY before 14) are predicted as the version that has them runs them.
 *
 * CONCURRENTLY forms are reported with the lock they hold while they wait for other sessions:
 * DROP INDEX CONCURRENTLY ends with a brief ACCESS EXCLUSIVE on the index once no query can use
 * it any more (index.c, `index_drop`), which is not reported. VACUUM and ANALYZE of several tables
 * lock them one after the other, each in a transaction of its own, never all at once.
 * docs/locks.md lists every statement with what its lock blocks.
 */
export function predictLocks(node: AstNode, qualify: Qualify, serverMajor?: number): RelationLock[] {
  const locks = new LockSet(qualify);
  const [kind, body] = Object.entries(node)[0] ?? [];
  const context = { locks, qualify, major: serverMajor ?? Number.POSITIVE_INFINITY };
  if (kind && isNode(body)) {
    if (queryStatements.has(kind)) addQueryLocks(node, locks);
    else statementLocks[kind]?.(body, context);
  }
  return locks.list();
}

interface Context {
  locks: LockSet;
  qualify: Qualify;
  major: number;
}

/** What each statement kind locks beyond a plain query; kinds missing here lock no relation they name. */
const statementLocks: Record<string, (body: AstNode, context: Context) => void> = {
  ExplainStmt: (body, { locks }) => addQueryLocks(body.query, locks),
  DeclareCursorStmt: (body, { locks }) => addQueryLocks(body.query, locks),
  PrepareStmt: (body, { locks }) => addQueryLocks(body.query, locks),
  CreateTableAsStmt: (body, { locks }) => addQueryLocks(body.query, locks),
  CopyStmt(body, { locks }) {
    locks.addRangeVar(body.relation, body.is_from ? "RowExclusiveLock" : "AccessShareLock");
    addQueryLocks(body.query, locks);
  },
  ViewStmt(body, { locks }) {
    // OR REPLACE rewrites an existing view's rule; a new view is locked only by its creator.
    if (body.replace) locks.addRangeVar(body.view, "AccessExclusiveLock");
    addQueryLocks(body.query, locks);
  },
  CreateStmt: (body, { locks }) => addCreateTableLocks(body, locks),
  CreateForeignTableStmt: (body, { locks }) => addCreateTableLocks(isNode(body.base) ? body.base : {}, locks),
  CreateSchemaStmt(body, { locks, qualify, major }) {
    // Unqualified names inside CREATE SCHEMA resolve to the new schema.
    const schema = typeof body.schemaname === "string" ? body.schemaname : undefined;
    const inSchema: Qualify = (s, name) => qualify(s ?? schema, name);
    for (const element of nodeList(body.schemaElts)) {
      for (const lock of predictLocks(element, inSchema, major)) locks.add(lock.relation, lock.mode);
    }
  },
  IndexStmt: (body, { locks }) => locks.addRangeVar(body.relation, body.concurrent ? "ShareUpdateExclusiveLock" : "ShareLock"),
  DropStmt: (body, { locks }) => addDropLocks(body, locks),
  TruncateStmt: (body, { locks }) => locks.addRangeVars(body.relations, "AccessExclusiveLock"),
  AlterTableStmt: (body, { locks, major }) => addAlterTableLocks(body, locks, major),
  RenameStmt: (body, { locks, major }) => addRenameLocks(body, locks, major),
  AlterObjectSchemaStmt(body, { locks }) {
    if (relationObjects.has(String(body.objectType))) locks.addRangeVar(body.relation, "AccessExclusiveLock");
  },
  CreateTrigStmt(body, { locks }) {
    locks.addRangeVar(body.relation, "ShareRowExclusiveLock");
    locks.addRangeVar(body.constrrel, "AccessShareLock");
  },
  CreatePolicyStmt: (body, { locks }) => addPolicyLocks(body, locks),
  AlterPolicyStmt: (body, { locks }) => addPolicyLocks(body, locks),
  RuleStmt(body, { locks }) {
    locks.addRangeVar(body.relation, "AccessExclusiveLock");
    addQueryLocks([body.whereClause, body.actions], locks);
  },
  RefreshMatViewStmt: (body, { locks }) => locks.addRangeVar(body.relation, body.concurrent ? "ExclusiveLock" : "AccessExclusiveLock"),
  VacuumStmt(body, { locks }) {
    const isFull = body.is_vacuumcmd === true && optionIsOn(body.options, "full");
    const mode = isFull ? "AccessExclusiveLock" : "ShareUpdateExclusiveLock";
    for (const rel of nodeList(body.rels)) locks.addRangeVar(unwrap(rel, "VacuumRelation")?.relation, mode);
  },
  ClusterStmt: (body, { locks }) => locks.addRangeVar(body.relation, "AccessExclusiveLock"),
  ReindexStmt(body, { locks }) {
    if (body.kind !== "REINDEX_OBJECT_INDEX" && body.kind !== "REINDEX_OBJECT_TABLE") return;
    const isConcurrent = body.concurrent === true || optionIsOn(body.params, "concurrently");
    // REINDEX INDEX: SHARE on its table, ACCESS EXCLUSIVE on the index. REINDEX TABLE: SHARE on the table, ACCESS EXCLUSIVE on each index.
    const plain = body.kind === "REINDEX_OBJECT_INDEX" ? "AccessExclusiveLock" : "ShareLock";
    locks.addRangeVar(body.relation, isConcurrent ? "ShareUpdateExclusiveLock" : plain);
  },
  LockStmt: (body, { locks }) => locks.addRangeVars(body.relations, lockModes[Number(body.mode) - 1] ?? "AccessExclusiveLock"),
  CommentStmt: (body, { locks }) => addCommentLocks(body.objtype, body.object, locks),
  SecLabelStmt: (body, { locks }) => addCommentLocks(body.objtype, body.object, locks),
  CreateSeqStmt: (body, { locks }) => addOwnedByLock(body.options, locks),
  AlterSeqStmt(body, { locks }) {
    locks.addRangeVar(body.sequence, "ShareRowExclusiveLock");
    addOwnedByLock(body.options, locks);
  },
  CreateStatsStmt: (body, { locks }) => locks.addRangeVars(body.relations, "ShareUpdateExclusiveLock"),
  CreatePublicationStmt: (body, { locks }) => addPublicationLocks(body, locks),
  AlterPublicationStmt: (body, { locks }) => addPublicationLocks(body, locks),
};

/** OWNED BY table.column reads the table's definition under ACCESS SHARE. */
function addOwnedByLock(options: unknown, locks: LockSet): void {
  const ownedBy = nodeList(options)
    .map((option) => unwrap(option, "DefElem"))
    .find((option) => option?.defname === "owned_by");
  const names = stringList(ownedBy?.arg);
  if (names.length >= 2) locks.addNames(names.slice(0, -1), "AccessShareLock");
}

function addPolicyLocks(body: AstNode, locks: LockSet): void {
  locks.addRangeVar(body.table, "AccessExclusiveLock");
  addQueryLocks([body.qual, body.with_check], locks);
}

function addPublicationLocks(body: AstNode, locks: LockSet): void {
  for (const spec of nodeList(body.pubobjects)) {
    const object = unwrap(spec, "PublicationObjSpec");
    if (object?.pubobjtype === "PUBLICATIONOBJ_TABLE" && isNode(object.pubtable)) {
      locks.addRangeVar(object.pubtable.relation, "ShareUpdateExclusiveLock");
    }
  }
}

function addCreateTableLocks(body: AstNode, locks: LockSet): void {
  const own = locks.nameOf(body.relation);
  // A new partition changes the parent's partition descriptor; a new child only flags relhassubclass.
  locks.addRangeVars(body.inhRelations, body.partbound ? "AccessExclusiveLock" : "ShareUpdateExclusiveLock");
  for (const element of nodeList(body.tableElts)) {
    const like = unwrap(element, "TableLikeClause");
    if (like) locks.addRangeVar(like.relation, "AccessShareLock");
    for (const constraint of constraintsOf(element)) {
      if (constraint.contype !== "CONSTR_FOREIGN") continue;
      const target = locks.nameOf(constraint.pktable);
      if (target && target !== own) locks.add(target, "ShareRowExclusiveLock");
    }
  }
}

function addDropLocks(body: AstNode, locks: LockSet): void {
  const type = String(body.removeType);
  for (const object of nodeList(body.objects)) {
    const names = stringList(object);
    if (type === "OBJECT_INDEX") locks.addNames(names, body.concurrent ? "ShareUpdateExclusiveLock" : "AccessExclusiveLock");
    else if (relationObjects.has(type)) locks.addNames(names, "AccessExclusiveLock");
    else if (tableMembers.has(type)) locks.addNames(names.slice(0, -1), "AccessExclusiveLock");
  }
}

function addAlterTableLocks(body: AstNode, locks: LockSet, major: number): void {
  if (body.objtype === "OBJECT_TYPE") return; // ALTER TYPE … ADD ATTRIBUTE: a composite type, no table
  let mode: LockMode = "ShareUpdateExclusiveLock";
  for (const item of nodeList(body.cmds)) {
    const cmd = unwrap(item, "AlterTableCmd");
    if (!cmd) continue;
    mode = stronger(mode, alterTableCommandMode(cmd, major));
    const partition = unwrap(cmd.def, "PartitionCmd");
    // ATTACH scans the new partition; DETACH CONCURRENTLY ends with ACCESS EXCLUSIVE on it.
    if (partition) locks.addRangeVar(partition.name, "AccessExclusiveLock");
    if (cmd.subtype === "AT_AddInherit") locks.addRangeVar(cmd.def, "ShareUpdateExclusiveLock");
    if (cmd.subtype === "AT_DropInherit") locks.addRangeVar(cmd.def, "AccessShareLock");
    for (const constraint of constraintsOf(cmd.def)) {
      // A foreign key adds triggers to the referenced table too (sql-altertable.html, ADD table_constraint).
      if (constraint.contype === "CONSTR_FOREIGN") locks.addRangeVar(constraint.pktable, "ShareRowExclusiveLock");
    }
  }
  locks.addRangeVar(body.relation, mode);
}

function alterTableCommandMode(cmd: AstNode, major: number): LockMode {
  const subtype = String(cmd.subtype);
  if (subtype === "AT_AttachPartition" && major < 12) return "AccessExclusiveLock";
  if (subtype === "AT_DetachPartition") {
    return unwrap(cmd.def, "PartitionCmd")?.concurrent ? "ShareUpdateExclusiveLock" : "AccessExclusiveLock";
  }
  if (subtype === "AT_AddConstraint") {
    return unwrap(cmd.def, "Constraint")?.contype === "CONSTR_FOREIGN" ? "ShareRowExclusiveLock" : "AccessExclusiveLock";
  }
  if (subtype === "AT_SetRelOptions" || subtype === "AT_ResetRelOptions" || subtype === "AT_ReplaceRelOptions") {
    const names = nodeList(unwrap(cmd.def, "List")?.items ?? cmd.def).map((d) => unwrap(d, "DefElem")?.defname);
    return names.some((name) => exclusiveRelOptions.has(String(name))) ? "AccessExclusiveLock" : "ShareUpdateExclusiveLock";
  }
  return alterTableModes[subtype] ?? "AccessExclusiveLock";
}

function addRenameLocks(body: AstNode, locks: LockSet, major: number): void {
  const type = String(body.renameType);
  if (type === "OBJECT_INDEX") {
    locks.addRangeVar(body.relation, major < 12 ? "AccessExclusiveLock" : "ShareUpdateExclusiveLock");
  } else if (relationObjects.has(type) || tableMembers.has(type)) {
    locks.addRangeVar(body.relation, "AccessExclusiveLock");
  }
}

/**
 * COMMENT and SECURITY LABEL lock the object they describe in SHARE UPDATE EXCLUSIVE mode
 * (`get_object_address`): a relation or a column's table. A constraint, trigger, policy or rule
 * gets an object lock of its own, and its table only ACCESS SHARE.
 */
function addCommentLocks(objtype: unknown, object: unknown, locks: LockSet): void {
  const type = String(objtype);
  const names = stringList(object);
  if (type === "OBJECT_INDEX" || relationObjects.has(type)) locks.addNames(names, "ShareUpdateExclusiveLock");
  else if (type === "OBJECT_COLUMN") locks.addNames(names.slice(0, -1), "ShareUpdateExclusiveLock");
  else if (tableMembers.has(type)) locks.addNames(names.slice(0, -1), "AccessShareLock");
}

/**
 * Locks of a query: ROW EXCLUSIVE on each INSERT, UPDATE, DELETE or MERGE target (data-modifying
 * CTEs included), ROW SHARE on tables read FOR UPDATE/SHARE, ACCESS SHARE on every other table
 * read (FROM, USING, joins, subqueries). References to CTEs are not tables.
 */
function addQueryLocks(query: unknown, locks: LockSet): void {
  const ctes = new Set<string>();
  collect(query, "CommonTableExpr", (cte) => {
    if (typeof cte.ctename === "string") ctes.add(cte.ctename);
  });
  walkQuery(query, locks, ctes);
}

function walkQuery(value: unknown, locks: LockSet, ctes: Set<string>, skipKey?: string, skipKey2?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) walkQuery(item, locks, ctes);
    return;
  }
  if (!isNode(value)) return;
  for (const key in value) {
    if (key === skipKey || key === skipKey2 || key === "A_Const") continue; // constants name no relation
    const child = value[key];
    if (Array.isArray(child)) {
      walkQuery(child, locks, ctes);
    } else if (!isNode(child)) {
      // a scalar holds no node
    } else if (key === "RangeVar") {
      if (child.schemaname || !ctes.has(String(child.relname))) locks.addRangeVar(child, "AccessShareLock");
    } else if (dmlStatements.has(key)) {
      locks.addRangeVar(child.relation, "RowExclusiveLock");
      walkQuery(child, locks, ctes, "relation");
    } else if (key === "SelectStmt") {
      addRowLockingLocks(child, locks, ctes);
      walkQuery(child, locks, ctes, "lockingClause", "intoClause");
    } else {
      walkQuery(child, locks, ctes);
    }
  }
}

/** SELECT … FOR UPDATE/SHARE takes ROW SHARE on the tables it names (OF …) or on all of FROM. */
function addRowLockingLocks(select: AstNode, locks: LockSet, ctes: Set<string>): void {
  const clauses = nodeList(select.lockingClause).map((c) => unwrap(c, "LockingClause"));
  if (clauses.length === 0) return;
  const fromTables: AstNode[] = [];
  const gather = (item: unknown): void => {
    const join = unwrap(item, "JoinExpr");
    if (join) {
      gather(join.larg);
      gather(join.rarg);
    }
    const table = unwrap(item, "RangeVar");
    if (table && (table.schemaname || !ctes.has(String(table.relname)))) fromTables.push(table);
  };
  for (const item of nodeList(select.fromClause)) gather(item);
  for (const clause of clauses) {
    const named = nodeList(clause?.lockedRels).map((r) => unwrap(r, "RangeVar")?.relname);
    for (const table of fromTables) {
      const alias = isNode(table.alias) ? table.alias.aliasname : table.relname;
      if (named.length === 0 || named.includes(alias)) locks.addRangeVar(table, "RowShareLock");
    }
  }
}

/** Locks by relation, keeping the strongest mode, in the order relations were first named. */
class LockSet {
  private readonly modes = new Map<string, LockMode>();
  constructor(private readonly qualify: Qualify) {}

  add(relation: string, mode: LockMode): void {
    this.modes.set(relation, stronger(this.modes.get(relation) ?? mode, mode));
  }

  nameOf(value: unknown): string | undefined {
    const rangeVar = (unwrap(value, "RangeVar") ?? (isNode(value) ? value : undefined)) as RangeVarLike | undefined;
    return rangeVar?.relname ? this.qualify(rangeVar.schemaname || undefined, rangeVar.relname) : undefined;
  }

  addRangeVar(value: unknown, mode: LockMode): void {
    const name = this.nameOf(value);
    if (name) this.add(name, mode);
  }

  addRangeVars(values: unknown, mode: LockMode): void {
    for (const value of nodeList(values)) this.addRangeVar(value, mode);
  }

  /** A dotted name list: `[name]`, `[schema, name]` or `[catalog, schema, name]`. */
  addNames(names: string[], mode: LockMode): void {
    const name = names.at(-1);
    if (name) this.add(this.qualify(names.at(-2), name), mode);
  }

  list(): RelationLock[] {
    return [...this.modes].map(([relation, mode]) => ({ relation, mode }));
  }
}

function stronger(a: LockMode, b: LockMode): LockMode {
  return lockModes.indexOf(a) >= lockModes.indexOf(b) ? a : b;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unwrap(value: unknown, kind: string): AstNode | undefined {
  return isNode(value) && isNode(value[kind]) ? value[kind] : undefined;
}

function nodeList(value: unknown): AstNode[] {
  return Array.isArray(value) ? value.filter((item): item is AstNode => isNode(item)) : [];
}

/** `{ List: { items: [{ String: { sval } }…] } }` or a bare item array → the strings. */
function stringList(value: unknown): string[] {
  const items = unwrap(value, "List")?.items ?? value;
  return nodeList(items).flatMap((item) => {
    const text = unwrap(item, "String")?.sval;
    return typeof text === "string" ? [text] : [];
  });
}

function constraintsOf(value: unknown): AstNode[] {
  const column = unwrap(value, "ColumnDef");
  const direct = unwrap(value, "Constraint");
  const fromColumn = nodeList(column?.constraints).map((c) => unwrap(c, "Constraint"));
  return [direct, ...fromColumn].filter((c): c is AstNode => c !== undefined);
}

/** A boolean DefElem option (`FULL`, `CONCURRENTLY`): on when present without a value or with a true one. */
function optionIsOn(options: unknown, name: string): boolean {
  const option = nodeList(options)
    .map((o) => unwrap(o, "DefElem"))
    .find((d) => d?.defname === name);
  if (!option) return false;
  const arg = option.arg;
  if (arg === undefined) return true;
  const text = String(unwrap(arg, "String")?.sval ?? unwrap(arg, "Boolean")?.boolval ?? unwrap(arg, "Integer")?.ival ?? "").toLowerCase();
  return ["true", "on", "1", "yes"].includes(text);
}

function collect(value: unknown, kind: string, visit: (node: AstNode) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, kind, visit);
    return;
  }
  if (!isNode(value)) return;
  for (const key in value) {
    const child = value[key];
    if (!child || typeof child !== "object" || key === "A_Const") continue;
    if (key === kind && isNode(child)) visit(child);
    collect(child, kind, visit);
  }
}
