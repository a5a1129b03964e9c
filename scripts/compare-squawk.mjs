#!/usr/bin/env node
// Runs drydock lint and squawk (npm squawk-cli, installed in bench/) on the same files of the real
// migration corpus (../shared/corpus) and writes docs/lint-vs-squawk.md: for each hazard both
// tools cover, the statements both flag, only drydock flags and only squawk flags, and for every
// disagreement class the reason, with examples. Disagreements the script cannot explain are
// listed as "unexplained" and make it exit with code 1.
//
// Usage: npm run build && (cd bench && npm ci) && node scripts/compare-squawk.mjs [--corpus <dir>] [--out <file>]
//
// drydock lints each set as scripts/lint-corpus.mjs does (its variables, search_path, PostgreSQL 15).
// squawk gets the same `up` files, with --reporter json --pg-version=15, once as it runs by default
// and once with --assume-in-transaction (drydock runs each migration in one transaction). squawk
// reads files as they are: it sees the whole file of a sectioned format (goose, sql-migrate), Down
// section included, and psql variables (:DATABASE_OWNER) unsubstituted.
//
// Findings are compared per statement: a finding belongs to the statement whose text contains its
// position (squawk reports 0-based lines and columns, at the offending clause; drydock 1-based, at
// the statement), and two findings agree when they are on the same statement for the same hazard.
// The two timeout hazards are compared per file, since drydock reports them once per file.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { corpusSets, defaultCorpus, lintCorpusSet } from "./lint-corpus.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const regenerate = "npm run build && (cd bench && npm ci) && node scripts/compare-squawk.mjs";
const { parseSql } = await import("../dist/parse/parse-sql.js");
const { decideTransactionMode } = await import("../dist/plan/transaction-mode.js");
const { readDirectives } = await import("../dist/plan/directives.js");
const { analyzeStatement } = await import("../dist/analyze/analyze-statement.js");
const { NameResolver } = await import("../dist/analyze/name-resolver.js");

/** The native binary (what the npm launcher runs), else the launcher. */
function squawkBinary() {
  for (const candidate of ["bench/node_modules/@squawk-cli/linux-x64/bin/squawk", "bench/node_modules/.bin/squawk"]) {
    if (existsSync(join(repo, candidate))) return join(repo, candidate);
  }
  console.error("squawk is not installed: run `cd bench && npm ci`.");
  process.exit(2);
}

/**
 * The hazards both tools cover: drydock rule ids and squawk rule names. squawk's
 * constraint-missing-not-valid covers any constraint added without NOT VALID; it is split by the
 * constraint it points at (`:fk`, `:check`).
 */
const hazards = [
  {
    id: "index",
    title: "CREATE INDEX without CONCURRENTLY",
    drydock: ["index-not-concurrent"],
    squawk: ["require-concurrent-index-creation"],
  },
  {
    id: "drop-index",
    title: "DROP INDEX without CONCURRENTLY",
    drydock: ["drop-index-not-concurrent"],
    squawk: ["require-concurrent-index-deletion"],
  },
  {
    id: "fk",
    title: "ADD FOREIGN KEY checked at once",
    drydock: ["add-foreign-key-validated"],
    squawk: ["adding-foreign-key-constraint", "constraint-missing-not-valid:fk"],
  },
  { id: "check", title: "ADD CHECK checked at once", drydock: ["add-check-validated"], squawk: ["constraint-missing-not-valid:check"] },
  {
    id: "unique",
    title: "UNIQUE / PRIMARY KEY built under ACCESS EXCLUSIVE",
    drydock: ["add-unique-constraint"],
    squawk: ["disallowed-unique-constraint", "adding-serial-primary-key-field"],
  },
  { id: "set-not-null", title: "SET NOT NULL scans the table", drydock: ["set-not-null"], squawk: ["adding-not-nullable-field"] },
  {
    id: "required",
    title: "ADD COLUMN NOT NULL without DEFAULT",
    drydock: ["not-null-without-default"],
    squawk: ["adding-required-field"],
  },
  { id: "type", title: "ALTER COLUMN TYPE rewrites", drydock: ["alter-column-type"], squawk: ["changing-column-type"] },
  {
    id: "default",
    title: "ADD COLUMN rewrites for its value",
    drydock: ["add-column-volatile-default"],
    squawk: ["adding-field-with-default"],
  },
  { id: "drop-column", title: "DROP COLUMN", drydock: ["drop-column"], squawk: ["ban-drop-column"] },
  { id: "drop-table", title: "DROP TABLE", drydock: ["drop-table"], squawk: ["ban-drop-table"] },
  { id: "rename-column", title: "RENAME COLUMN", drydock: ["rename-column"], squawk: ["renaming-column"] },
  { id: "rename-table", title: "RENAME TABLE", drydock: ["rename-table"], squawk: ["renaming-table"] },
  { id: "drop-not-null", title: "DROP NOT NULL", drydock: ["drop-not-null"], squawk: ["ban-drop-not-null"] },
  {
    id: "transaction",
    title: "BEGIN/COMMIT inside a wrapped migration",
    drydock: ["transaction-control"],
    squawk: ["transaction-nesting"],
  },
  {
    id: "concurrent-in-tx",
    title: "CONCURRENTLY inside a transaction",
    drydock: ["concurrent-in-transaction"],
    squawk: ["ban-concurrent-index-creation-in-transaction"],
  },
  {
    id: "rerun",
    title: "not re-runnable after a partial failure",
    drydock: ["not-idempotent-outside-transaction"],
    squawk: ["prefer-robust-stmts"],
  },
  {
    id: "lock-timeout",
    title: "no lock_timeout (per file)",
    perFile: true,
    drydock: ["lock-timeout-missing"],
    squawk: ["require-lock-timeout"],
  },
  {
    id: "statement-timeout",
    title: "no statement_timeout (per file)",
    perFile: true,
    drydock: ["statement-timeout-missing"],
    squawk: ["require-statement-timeout"],
  },
];
const hazardOfDrydock = new Map(hazards.flatMap((hazard) => hazard.drydock.map((rule) => [rule, hazard])));
const hazardOfSquawk = new Map(hazards.flatMap((hazard) => hazard.squawk.map((rule) => [rule, hazard])));

// ---------------------------------------------------------------------------------------------
// Statements of a file, with their spans and what the disagreement classes need to know.

const unwrap = (node) => {
  const [kind, fields] = Object.entries(node ?? {})[0] ?? ["", {}];
  return [kind, fields ?? {}];
};
const list = (value) => (Array.isArray(value) ? value : []);
const names = (value) => list(value).map((entry) => unwrap(entry)[1].sval ?? "");
const serialTypes = new Set(["smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"]);
const stringTypes = new Set(["varchar", "text"]);
const weakLocks = ["AccessShareLock", "RowShareLock", "RowExclusiveLock"];

/** Skips whitespace and comments at `from`; returns the offset of the next token. */
function skipTrivia(text, from) {
  let at = from;
  for (;;) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (text.startsWith("--", at)) {
      const end = text.indexOf("\n", at);
      at = end === -1 ? text.length : end + 1;
    } else if (text.startsWith("/*", at)) {
      const end = text.indexOf("*/", at + 2);
      at = end === -1 ? text.length : end + 2;
    } else return at;
  }
}

/** 1-based line and column ↔ UTF-16 offset. */
class Positions {
  constructor(text) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low] + 1 };
  }
  offset(line, column) {
    return (this.starts[line - 1] ?? Number.POSITIVE_INFINITY) + column - 1;
  }
}

const notAfter = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** A column's type as the comparison needs it: bare canonical name and modifiers. */
function typeOf(typeName) {
  const parts = names(typeName?.names);
  const typmods = list(typeName?.typmods).map((entry) => unwrap(entry)[1].ival?.ival ?? null);
  return { name: parts[parts.length - 1] ?? "", schema: parts.length > 1 ? parts[parts.length - 2] : null, typmods };
}

/** Per set: column types as the migrations left them, to tell why a type change needs no rewrite. */
class ColumnTypes {
  tables = new Map();
  of(table, column) {
    return this.tables.get(table)?.get(column) ?? null;
  }
  follow(kind, fields, table) {
    if (kind === "CreateStmt") {
      const columns = new Map();
      for (const [elementKind, element] of list(fields.tableElts).map(unwrap)) {
        if (elementKind === "ColumnDef") columns.set(element.colname, typeOf(element.typeName));
      }
      this.tables.set(table, columns);
    }
    if (kind !== "AlterTableStmt") return;
    const columns = this.tables.get(table) ?? new Map();
    this.tables.set(table, columns);
    for (const command of list(fields.cmds).map((entry) => unwrap(entry)[1])) {
      const [definitionKind, definition] = unwrap(command.def);
      if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef")
        columns.set(definition.colname, typeOf(definition.typeName));
      if (command.subtype === "AT_AlterColumnType" && definitionKind === "ColumnDef")
        columns.set(command.name, typeOf(definition.typeName));
    }
  }
  rename(table, from, to) {
    const columns = this.tables.get(table);
    if (columns?.has(from)) {
      columns.set(to, columns.get(from));
      columns.delete(from);
    }
  }
}

/** The migration's statements with spans and facts, and how drydock runs the migration. */
async function fileModel(migration, original, searchPath, columnTypes) {
  const { up } = migration;
  const script = await parseSql(up.file, up.sql);
  const positions = new Positions(up.sql);
  const resolver = new NameResolver([...searchPath]);
  const created = new Set();
  const emptied = new Set();
  let utc = false;
  const statements = [];
  for (const parsed of script.statements) {
    const facts = analyzeStatement(parsed, resolver, { serverMajor: 15 });
    const [kind, fields] = unwrap(parsed.node);
    const target = fields.relation ? resolver.relationName(fields.relation) : null;
    const touched = [target, ...facts.drops.map((ref) => ref.name), ...facts.renames.map((rename) => rename.from)];
    if (kind === "RenameStmt" && fields.renameType === "OBJECT_COLUMN") touched.push(`${target}.${fields.subname}`);
    const start = skipTrivia(up.sql, parsed.startUnit);
    const end = parsed.startUnit + parsed.sql.trimEnd().length;
    const statement = {
      parsed,
      kind,
      fields,
      facts,
      target,
      from: positions.at(start),
      to: positions.at(Math.max(start, end)),
      onCreated: touched.some((name) => name !== null && created.has(name)),
      /** Locks something stronger than ROW EXCLUSIVE on a relation the migration did not create (what drydock's timeout rules look for). */
      locksExisting: facts.locks.some((lock) => weakLocks.indexOf(lock.mode) === -1 && !created.has(lock.relation)),
      onEmptied: target !== null && emptied.has(target),
      afterUtc: utc,
      oldTypes: new Map(),
      constraints: constraintsOf(kind, fields, script.lines),
    };
    if (kind === "AlterTableStmt") {
      for (const command of list(fields.cmds).map((entry) => unwrap(entry)[1])) {
        if (command.subtype === "AT_AlterColumnType") statement.oldTypes.set(command.name, columnTypes.of(target, command.name));
      }
    }
    statements.push(statement);
    // What the next statements see.
    if (target) columnTypes.follow(kind, fields, target);
    for (const rename of facts.renames)
      if (rename.kind === "column") columnTypes.rename(target, rename.from.split(".").pop(), rename.to.split(".").pop());
    for (const object of facts.creates) created.add(object.name);
    for (const rename of facts.renames) if (created.has(rename.from)) created.add(rename.to);
    if (kind === "TruncateStmt") for (const relation of list(fields.relations)) emptied.add(resolver.relationName(unwrap(relation)[1]));
    if (kind === "DeleteStmt" && !fields.whereClause) emptied.add(target);
    if (kind === "InsertStmt" || kind === "CopyStmt" || kind === "MergeStmt") emptied.delete(target);
    if (kind === "VariableSetStmt" && String(fields.name).toLowerCase() === "timezone") {
      const zone = unwrap(list(fields.args)[0])[1].sval?.sval ?? "";
      utc = fields.kind === "VAR_SET_VALUE" && /^(etc\/)?(utc|uct|gmt0?|zulu|universal)$/i.test(zone);
    }
  }
  const directives = readDirectives(up.file, up.sql);
  const mode = decideTransactionMode(script.statements, {
    noTransactionDirective: directives.noTransaction,
    formatAllowsTransaction: up.formatAllowsTransaction,
  });
  const upLines = up.sql.split("\n");
  const originalLines = original.split("\n");
  const transactionKinds = statements.map((statement) => (statement.kind === "TransactionStmt" ? statement.fields.kind : null));
  return {
    file: up.file,
    statements,
    mode,
    positions,
    /** The file is one BEGIN … COMMIT block, which drydock unwraps. */
    wrapsItself: statements.length >= 2 && transactionKinds[0] === "TRANS_STMT_BEGIN" && transactionKinds.at(-1) === "TRANS_STMT_COMMIT",
    /** A line squawk reads that drydock does not lint: the other section of a goose / sql-migrate file. */
    isOtherSection: (line) => (upLines[line - 1] ?? "").trim() === "" && (originalLines[line - 1] ?? "").trim() !== "",
    statementAt(position) {
      return statements.find((statement) => notAfter(statement.from, position) && notAfter(position, statement.to)) ?? null;
    },
    squawkSyntaxErrors: 0,
  };
}

/** Every constraint an ALTER TABLE adds, with where it starts and on which column definition. */
function constraintsOf(kind, fields, lines) {
  if (kind !== "AlterTableStmt") return [];
  const found = [];
  for (const command of list(fields.cmds).map((entry) => unwrap(entry)[1])) {
    const [definitionKind, definition] = unwrap(command.def);
    const onColumn = command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef";
    const constraints =
      command.subtype === "AT_AddConstraint" && definitionKind === "Constraint"
        ? [definition]
        : onColumn
          ? list(definition.constraints).map((entry) => unwrap(entry)[1])
          : [];
    for (const constraint of constraints) {
      found.push({ contype: constraint.contype, unit: lines.unitOfByte(constraint.location ?? 0), column: onColumn ? definition : null });
    }
  }
  return found;
}

/** The columns an ALTER TABLE adds. */
function addedColumns(statement) {
  if (statement?.kind !== "AlterTableStmt") return [];
  return list(statement.fields.cmds)
    .map((entry) => unwrap(entry)[1])
    .filter((command) => command.subtype === "AT_AddColumn")
    .map((command) => unwrap(command.def)[1]);
}

const constraintTypes = (column) => list(column.constraints).map((entry) => unwrap(entry)[1].contype);
/** PostgreSQL's raw_default: a DEFAULT (even NULL), a generated expression, or a serial type. */
const fillsColumn = (column) =>
  serialTypes.has(typeOf(column.typeName).name) ||
  constraintTypes(column).some((type) => type === "CONSTR_DEFAULT" || type === "CONSTR_GENERATED");

// ---------------------------------------------------------------------------------------------

function runSquawk(binary, set, assumeInTransaction) {
  const files = set.up.map((file) => join(set.dir, file));
  const args = ["--reporter", "json", "--pg-version=15", ...(assumeInTransaction ? ["--assume-in-transaction"] : []), ...files];
  const run = spawnSync(binary, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (run.error || !run.stdout) throw new Error(`squawk failed on ${set.name}: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout).map((violation) => ({ ...violation, file: relative(set.dir, violation.file) }));
}

/** squawk's finding → hazard, splitting constraint-missing-not-valid by the constraint it points at. */
function squawkHazard(violation, statement, model) {
  let rule = violation.rule_name;
  if (rule === "constraint-missing-not-valid") {
    const offset = model.positions.offset(violation.line + 1, violation.column + 1);
    const candidates = (statement?.constraints ?? []).filter((constraint) => constraint.unit <= offset + 1);
    const constraint = candidates[candidates.length - 1] ?? statement?.constraints?.[0];
    rule = `${rule}:${constraint?.contype === "CONSTR_FOREIGN" ? "fk" : constraint?.contype === "CONSTR_CHECK" ? "check" : "other"}`;
  }
  return hazardOfSquawk.get(rule) ?? null;
}

/** Both tools' findings on one set, as statement × hazard units, for squawk's two modes. */
async function compareSet(set, binary) {
  const linted = await lintCorpusSet(set);
  const searchPath = linted.project.config.project.search_path;
  const models = new Map();
  const columnTypes = new ColumnTypes();
  for (const migration of linted.migrations) {
    const original = readFileSync(join(set.dir, migration.up.file), "utf8");
    models.set(migration.up.file, await fileModel(migration, original, searchPath, columnTypes));
  }
  const runs = {};
  for (const [mode, assume] of [
    ["default", false],
    ["assume", true],
  ]) {
    const units = new Map();
    const unit = (model, statement, hazard, line) => {
      const where = hazard.perFile ? "file" : statement ? statement.parsed.index : `line ${line}`;
      const key = `${model.file}#${where}#${hazard.id}`;
      if (!units.has(key))
        units.set(key, { set: set.name, mode, model, statement: hazard.perFile ? null : statement, hazard, line, drydock: [], squawk: [] });
      return units.get(key);
    };
    for (const finding of linted.findings) {
      const hazard = hazardOfDrydock.get(finding.rule);
      const model = models.get(finding.file);
      if (!hazard || !model) continue;
      unit(model, model.statementAt({ line: finding.line, column: finding.column }), hazard, finding.line).drydock.push(finding);
    }
    const squawkOnly = new Map();
    const syntaxFiles = new Set();
    for (const violation of runSquawk(binary, set, assume)) {
      const model = models.get(violation.file);
      const position = { line: violation.line + 1, column: violation.column + 1 };
      const statement = model?.statementAt(position) ?? null;
      if (violation.rule_name === "syntax-error") {
        syntaxFiles.add(violation.file);
        if (model) model.squawkSyntaxErrors++;
      }
      const hazard = model ? squawkHazard(violation, statement, model) : null;
      if (!hazard) {
        if (!violation.rule_name.startsWith("constraint-missing-not-valid"))
          squawkOnly.set(violation.rule_name, (squawkOnly.get(violation.rule_name) ?? 0) + 1);
        continue;
      }
      unit(model, statement, hazard, position.line).squawk.push({ ...violation, line: position.line, statement });
    }
    runs[mode] = { units: [...units.values()], squawkOnly, syntaxFiles };
  }
  const drydockOnly = countBy(
    linted.findings.filter((finding) => !hazardOfDrydock.has(finding.rule)),
    (finding) => finding.rule,
  );
  return { set, runs, drydockOnly, files: linted.migrations.length };
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Disagreement classes: a unit is one statement (one file for the timeout hazards) and hazard
// that only one tool reports. The first class whose test holds explains it: first whether the
// statement was seen at all, then the hazard's own reasons, then objects created in the migration.

/** Every squawk finding of the unit points at a statement on something the migration created. */
const squawkOnCreated = (unit) => unit.squawk.length > 0 && unit.squawk.every((violation) => violation.statement?.onCreated);

const classes = [
  {
    id: "other-section",
    side: "squawk",
    title: "the Down section of a goose / sql-migrate file",
    reason:
      "squawk reads the whole file; in a goose or sql-migrate file the part after `-- +goose Down` / `-- +migrate Down` is the rollback, which is not part of the forward migration drydock lints (drydock keeps the file's line numbers and blanks the other section).",
    test: (unit) => unit.squawk.every((violation) => !violation.statement && unit.model.isOtherSection(violation.line)),
  },
  {
    id: "squawk-syntax-error",
    side: "drydock",
    title: "files squawk cannot parse (psql variables)",
    reason:
      "graphile-migrate files use psql-style placeholders (`GRANT … TO :DATABASE_VISITOR`). squawk does not substitute variables: it reports `syntax-error` and then runs no rule at all on that file. drydock substitutes the project's variables before parsing, so the rest of the file is linted.",
    test: (unit) => unit.model.squawkSyntaxErrors > 0,
  },
  {
    id: "timeouts-no-existing-table",
    side: "squawk",
    title: "timeouts: no strong lock on a table that already existed",
    reason:
      "drydock's timeout rules report a file once, at the first statement that takes a lock stronger than ROW EXCLUSIVE on a table (or index) that existed before the migration: that is the lock that can queue behind a long query and stall the table's traffic. squawk also reports statements that lock no such table: ALTER TYPE … ADD VALUE, DROP FUNCTION / TYPE / TRIGGER, CREATE TABLE, COMMENT ON, and statements on tables created earlier in the same file. In these files every statement squawk points at is of that kind.",
    test: (unit) => unit.hazard.perFile && unit.squawk.every((violation) => violation.statement && !violation.statement.locksExisting),
  },
  {
    id: "replaced-by-new",
    side: "squawk",
    title: "a table renamed out of the way and replaced",
    reason:
      "the migration renames the table to a backup name and creates a new table under the old name, so clients keep finding the name they use: drydock looks for that replacement; squawk reports every rename.",
    test: (unit) =>
      unit.hazard.id === "rename-table" &&
      unit.squawk.every((violation) => {
        const renamed = violation.statement?.facts.renames.find((rename) => rename.kind === "table");
        return (
          renamed &&
          unit.model.statements.some(
            (later) =>
              later.parsed.index > violation.statement.parsed.index && later.facts.creates.some((object) => object.name === renamed.from),
          )
        );
      }),
  },
  {
    id: "fk-new-column",
    side: "squawk",
    title: "REFERENCES on a column added without a default",
    reason:
      "ADD COLUMN … REFERENCES with no DEFAULT needs no scan: every existing row holds NULL, so PostgreSQL marks the key valid at once (measured on 15: `pg_stat_user_tables.seq_scan` does not move). squawk reports it like any foreign key (drydock did too before the fix in docs/lint-corpus.md).",
    test: (unit) =>
      unit.hazard.id === "fk" &&
      unit.squawk.every((violation) =>
        addedColumns(violation.statement).some((column) => constraintTypes(column).includes("CONSTR_FOREIGN") && !fillsColumn(column)),
      ),
  },
  {
    id: "emptied-table",
    side: "squawk",
    title: "NOT NULL column added to a table the migration emptied",
    reason:
      "the migration deletes every row of the table first (DELETE without WHERE) and adds the column afterwards, so no row can violate NOT NULL: drydock checks for that (fix in docs/lint-corpus.md); squawk does not.",
    test: (unit) => unit.hazard.id === "required" && unit.squawk.every((violation) => violation.statement?.onEmptied),
  },
  {
    id: "string-widening",
    side: "squawk",
    title: "type changes that are binary-coercible string widenings",
    reason:
      "varchar(n) → varchar(m ≥ n), varchar → text, or to unlimited varchar: binary-coercible, PostgreSQL only updates the catalog (no rewrite, no scan). drydock knows the column's type from the earlier migrations (and takes a change to a string type of a column whose type it does not know for a widening); squawk reports every type change.",
    test: (unit) =>
      unit.hazard.id === "type" &&
      unit.squawk.every((violation) => {
        const changes = alteredTypes(violation.statement);
        return (
          changes.length > 0 && changes.every(({ old, target }) => stringTypes.has(target.name) && (!old || stringTypes.has(old.name)))
        );
      }),
  },
  {
    id: "utc-timestamptz",
    side: "squawk",
    title: "timestamp → timestamptz in a UTC session",
    reason:
      "after `SET timezone = 'UTC'`, timestamp ↔ timestamptz is a catalog-only change since PostgreSQL 12 (no rewrite; checked on 15 with pg_relation_filenode). crates.io's timezones migration sets UTC for exactly this reason. drydock follows the SET (fix in docs/lint-corpus.md); squawk reports the type change.",
    test: (unit) =>
      unit.hazard.id === "type" &&
      unit.squawk.every(
        (violation) =>
          violation.statement?.afterUtc && alteredTypes(violation.statement).every(({ target }) => target.name === "timestamptz"),
      ),
  },
  {
    id: "same-type",
    side: "squawk",
    title: "SET DATA TYPE to the type the column already has",
    reason:
      'drizzle-kit writes `SET DATA TYPE "public"."verification_request_status"` for a column that already has that enum type (created unqualified): a no-op for PostgreSQL. drydock compares the types through the search_path (fix in docs/lint-corpus.md); squawk reports every type change.',
    test: (unit) =>
      unit.hazard.id === "type" &&
      unit.squawk.every((violation) =>
        alteredTypes(violation.statement).every(
          ({ old, target }) => old && old.name === target.name && old.typmods.join() === target.typmods.join(),
        ),
      ),
  },
  {
    id: "non-volatile-default",
    side: "squawk",
    title: "non-volatile defaults squawk takes for volatile",
    reason:
      "the default calls functions squawk does not list as safe (`timezone('utc'::text, now())`: timezone is immutable, now() stable), so squawk calls it a generated column that rewrites the table. drydock knows the volatility of PostgreSQL's functions and of those the migrations create: a non-volatile default is stored once in the catalog since PostgreSQL 11, no rewrite (checked on 15: pg_relation_filenode unchanged, while a clock_timestamp() default changes it).",
    test: (unit) =>
      unit.hazard.id === "default" &&
      unit.squawk.every((violation) =>
        addedColumns(violation.statement).some(
          (column) => constraintTypes(column).includes("CONSTR_DEFAULT") && !serialTypes.has(typeOf(column.typeName).name),
        ),
      ),
  },
  {
    id: "add-column-check",
    side: "drydock",
    title: "CHECK written on ADD COLUMN",
    reason:
      "`ADD COLUMN c … CHECK (…)` validates the constraint against every row under ACCESS EXCLUSIVE (measured on 15: one sequential scan), exactly like ADD CONSTRAINT … CHECK; squawk's constraint-missing-not-valid only looks at ADD CONSTRAINT (squawk issue #314).",
    test: (unit) => unit.hazard.id === "check" && unit.drydock.every((finding) => finding.message.startsWith("ADD COLUMN")),
  },
  {
    id: "serial-column",
    side: "drydock",
    title: "ADD COLUMN of a serial type",
    reason:
      "`ADD COLUMN id serial` draws a value from the sequence for every existing row, which rewrites the table (checked on 15: pg_relation_filenode changes); squawk's adding-field-with-default looks at DEFAULT and GENERATED clauses, not at serial types (its prefer-identity rule reports the serial type for another reason).",
    test: (unit) => unit.hazard.id === "default" && unit.drydock.every((finding) => /\((small|big)?serial\d?\)/.test(finding.message)),
  },
  {
    id: "one-transaction",
    side: "squawk",
    title: "re-runnable: the migration runs in one transaction",
    reason:
      "without `--assume-in-transaction`, squawk assumes each statement commits on its own, so every CREATE without IF NOT EXISTS (and every file without BEGIN) is 'not re-runnable'. drydock runs this migration in one transaction: a failure rolls all of it back, and the migration simply runs again.",
    test: (unit) => unit.hazard.id === "rerun" && unit.model.mode.mode === "transaction",
  },
  {
    id: "outside-transaction",
    side: "drydock",
    title: "re-runnable: the migration cannot run in a transaction",
    reason:
      "drydock knows this migration runs statement by statement (it has CREATE/DROP INDEX CONCURRENTLY, or its own BEGIN … COMMIT), so a statement that fails on a second run (no IF NOT EXISTS) is a problem after a partial failure. With `--assume-in-transaction` squawk takes every file for wrapped and stops reporting them; without it, squawk accepts what sits inside the file's own BEGIN … COMMIT.",
    test: (unit) => unit.hazard.id === "rerun" && unit.model.mode.mode === "statements",
  },
  {
    id: "nesting-needs-assume",
    side: "drydock",
    title: "BEGIN/COMMIT without --assume-in-transaction",
    reason:
      "squawk's transaction-nesting rule only fires when it is told that the migration tool wraps each file (`--assume-in-transaction`); drydock always knows it does.",
    test: (unit) => unit.hazard.id === "transaction" && unit.mode === "default",
  },
  {
    id: "whole-file-transaction",
    side: "squawk",
    title: "a file that is one BEGIN … COMMIT block",
    reason:
      "sqitch deploy scripts wrap their whole body in BEGIN; … COMMIT;. drydock drops that outer pair and runs the body in its own transaction (atomic as intended), so it reports nothing; squawk with `--assume-in-transaction` reports the pair as nesting.",
    test: (unit) => unit.hazard.id === "transaction" && unit.model.wrapsItself,
  },
  {
    id: "concurrently-outside-transaction",
    side: "squawk",
    title: "CONCURRENTLY in a file squawk assumes wrapped",
    reason:
      "drydock runs these migrations outside a transaction: it sees the CONCURRENTLY statement, and it honours the format's own marker (goose's `-- +goose NO TRANSACTION`, sql-migrate's `-- +migrate Up notransaction`), as the sets' own runners do. `--assume-in-transaction` makes squawk believe every file is wrapped.",
    test: (unit) => unit.hazard.id === "concurrent-in-tx" && unit.model.mode.mode === "statements",
  },
  {
    id: "created-here",
    side: "squawk",
    title: "objects created earlier in the same migration",
    reason:
      "the table was created (or the column added) earlier in the same migration, so no other session can be using it yet: drydock exempts it. squawk exempts a table created in the same file only with `--assume-in-transaction`, and even then not a table made by CREATE TABLE … AS or CREATE MATERIALIZED VIEW, not in its primary-key rule (adding-serial-primary-key-field), and not a column added in the same file.",
    test: (unit) => !unit.hazard.perFile && squawkOnCreated(unit),
  },
];

/** For each column an ALTER TABLE retypes: its known old type and the new one. */
function alteredTypes(statement) {
  if (statement?.kind !== "AlterTableStmt") return [];
  return list(statement.fields.cmds)
    .map((entry) => unwrap(entry)[1])
    .filter((command) => command.subtype === "AT_AlterColumnType")
    .map((command) => ({ old: statement.oldTypes.get(command.name) ?? null, target: typeOf(unwrap(command.def)[1].typeName) }));
}

function classify(unit, side) {
  return classes.find((entry) => entry.side === side && entry.test(unit)) ?? null;
}

// ---------------------------------------------------------------------------------------------

const modes = [
  { id: "default", label: "squawk as it runs by default" },
  { id: "assume", label: "squawk --assume-in-transaction" },
];

function where(unit) {
  const line = unit.statement?.from.line ?? unit.squawk[0]?.line ?? unit.drydock[0]?.line ?? unit.line;
  return `${unit.set}/${unit.model.file.replace(/^migrations\//, "")}:${line}`;
}

function render(results, version, corpusDir) {
  const out = [];
  const line = (text = "") => out.push(text);
  const unitsOf = (mode) => results.flatMap((result) => result.runs[mode].units);
  const sides = (unit) => (unit.drydock.length > 0 && unit.squawk.length > 0 ? "both" : unit.drydock.length > 0 ? "drydock" : "squawk");
  const unexplained = [];

  line("# drydock lint and squawk on the real migration corpus");
  line();
  line(
    `Generated by \`scripts/compare-squawk.mjs\` from \`${relative(repo, corpusDir) || corpusDir}\` (${results.length} sets, ${results.reduce((sum, result) => sum + result.files, 0)} migrations) with ${version} (npm \`squawk-cli\`, installed in \`bench/\`). Regenerate with \`${regenerate}\`.`,
  );
  line();
  line("How the two were run:");
  line();
  line(
    "- **drydock** lints each set as `scripts/lint-corpus.mjs` does (docs/lint-corpus.md): the `up` files in order, the set's psql variables as project variables, its search_path, PostgreSQL 15.",
  );
  line(
    "- **squawk** gets the same `up` files with `--reporter json --pg-version=15` (on this corpus its output is the same without `--pg-version`: it assumes a current PostgreSQL, so it knows that constant defaults are free since 11), once as it runs by default and once with `--assume-in-transaction` (drydock runs each migration in one transaction unless it cannot). squawk reads the files as they are: for the sectioned formats (openfga's goose files, stellar-horizon's sql-migrate files) it sees the whole file, Down section included, and it sees psql variables unsubstituted.",
  );
  line(
    "- A finding belongs to the statement whose text contains its position (squawk reports 0-based lines at the offending clause, drydock 1-based lines at the statement). Two findings agree when they are on the same statement for the same hazard; counts below are statements, not findings (squawk reports a foreign key twice, as adding-foreign-key-constraint and constraint-missing-not-valid). The timeout hazards are compared per file, since drydock reports them once per file.",
  );
  line();
  line("## Hazards both tools cover");
  line();
  line(`| hazard | drydock rule | squawk rule | ${modes.map((mode) => `${mode.label}: both / only drydock / only squawk`).join(" | ")} |`);
  line(`| --- | --- | --- | ${modes.map(() => "---").join(" | ")} |`);
  const totals = Object.fromEntries(modes.map((mode) => [mode.id, { both: 0, drydock: 0, squawk: 0 }]));
  for (const hazard of hazards) {
    const cells = modes.map((mode) => {
      const counts = { both: 0, drydock: 0, squawk: 0 };
      for (const unit of unitsOf(mode.id).filter((entry) => entry.hazard === hazard)) counts[sides(unit)]++;
      for (const side of Object.keys(counts)) totals[mode.id][side] += counts[side];
      return `${counts.both} / ${counts.drydock} / ${counts.squawk}`;
    });
    const squawkRules = hazard.squawk.map(
      (rule) =>
        `\`${rule.replace(/:(fk|check)$/, "")}\`${rule.endsWith(":fk") ? " (on a foreign key)" : rule.endsWith(":check") ? " (on a CHECK)" : ""}`,
    );
    line(`| ${hazard.title} | \`${hazard.drydock.join("`, `")}\` | ${squawkRules.join(", ")} | ${cells.join(" | ")} |`);
  }
  line(
    `| **total** | | | ${modes.map((mode) => `**${totals[mode.id].both} / ${totals[mode.id].drydock} / ${totals[mode.id].squawk}**`).join(" | ")} |`,
  );
  line();

  line("## Why they disagree");
  line();
  line(
    "Every statement (or file) that only one tool reports falls in one of these classes; the script checks each one against the class's condition and fails if one is left over. Counts: statements in the default run / with `--assume-in-transaction`.",
  );
  line();
  for (const side of ["squawk", "drydock"]) {
    line(side === "squawk" ? "### Only squawk reports" : "### Only drydock reports");
    line();
    const byClass = new Map();
    for (const mode of modes) {
      for (const unit of unitsOf(mode.id).filter((entry) => sides(entry) === side)) {
        const found = classify(unit, side);
        if (!found) {
          unexplained.push(`${mode.id} only ${side}: ${unit.hazard.id} ${where(unit)}`);
          continue;
        }
        const entry = byClass.get(found) ?? { default: [], assume: [] };
        entry[mode.id].push(unit);
        byClass.set(found, entry);
      }
    }
    const ordered = [...byClass.entries()].sort(
      (a, b) => b[1].default.length + b[1].assume.length - (a[1].default.length + a[1].assume.length),
    );
    for (const [entry, units] of ordered) {
      const perHazard = countBy([...units.default], (unit) => unit.hazard.title);
      const perHazardAssume = countBy([...units.assume], (unit) => unit.hazard.title);
      const hazardsSeen = [...new Set([...perHazard.keys(), ...perHazardAssume.keys()])];
      line(
        `**${entry.title}** — ${units.default.length} / ${units.assume.length} (${hazardsSeen.map((title) => `${title}: ${perHazard.get(title) ?? 0} / ${perHazardAssume.get(title) ?? 0}`).join("; ")})`,
      );
      line();
      line(`${entry.reason}`);
      line();
      // Two examples: the most frequent hazard's first case, then preferably another hazard in another file.
      const examples = [...units.default, ...units.assume];
      const frequent = [...countBy(examples, (unit) => unit.hazard).entries()].sort((a, b) => b[1] - a[1]).map(([hazard]) => hazard);
      const first = examples.find((unit) => unit.hazard === frequent[0]);
      const second =
        examples.find((unit) => unit.hazard !== first.hazard && unit.model !== first.model) ??
        examples.find((unit) => unit.model !== first.model) ??
        examples.find((unit) => where(unit) !== where(first));
      const picked = second ? [first, second] : [first];
      line(`Examples: ${picked.map((unit) => `\`${where(unit)}\` (${unit.hazard.title})`).join(", ")}.`);
      line();
    }
  }

  line("## Not compared");
  line();
  const syntaxFiles = new Set(
    results.flatMap((result) => [...result.runs.default.syntaxFiles].map((file) => `${result.set.name}/${file}`)),
  );
  line(
    `- squawk could not parse ${syntaxFiles.size} file${syntaxFiles.size === 1 ? "" : "s"} (all in ${[...new Set([...syntaxFiles].map((file) => file.split("/")[0]))].join(", ")}: psql variables) and reported only \`syntax-error\` for them.`,
  );
  const squawkOnlyRules = new Map();
  for (const result of results)
    for (const [rule, count] of result.runs.default.squawkOnly)
      if (rule !== "syntax-error") squawkOnlyRules.set(rule, (squawkOnlyRules.get(rule) ?? 0) + count);
  line(
    `- squawk rules with no drydock counterpart (findings in the default run): ${[...squawkOnlyRules.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([rule, count]) => `\`${rule}\` ${count}`)
      .join(", ")}. Most are schema-style advice (column types, identity over serial, identifier length) rather than migration hazards.`,
  );
  const drydockOnlyRules = new Map();
  for (const result of results)
    for (const [rule, count] of result.drydockOnly) drydockOnlyRules.set(rule, (drydockOnlyRules.get(rule) ?? 0) + count);
  line(
    `- drydock rules with no squawk counterpart (findings): ${[...drydockOnlyRules.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([rule, count]) => `\`${rule}\` ${count}`)
      .join(", ")}. These judge the project as a whole (RLS, foreign-key indexes) or security and data loss, which squawk does not cover.`,
  );
  line();
  return { text: out.join("\n"), unexplained };
}

async function main() {
  const { values } = parseArgs({
    options: { corpus: { type: "string", default: defaultCorpus }, out: { type: "string", default: join(repo, "docs/lint-vs-squawk.md") } },
  });
  const binary = squawkBinary();
  const version = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout.trim();
  const corpusDir = resolve(values.corpus);
  const results = [];
  for (const set of corpusSets(corpusDir)) results.push(await compareSet(set, binary));
  const { text, unexplained } = render(results, version, corpusDir);
  writeFileSync(values.out, text);
  console.log(`wrote ${relative(process.cwd(), values.out)}: ${results.length} sets, ${hazards.length} hazards, ${version}`);
  if (unexplained.length > 0) {
    console.error(`unexplained disagreements (${unexplained.length}):\n  ${unexplained.slice(0, 40).join("\n  ")}`);
    process.exitCode = 1;
  }
}

await main();
