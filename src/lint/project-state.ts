import type { AnalyzedStatement } from "../analyze/analyze-statement.js";
import { type AstNode, listOf, names, unwrap } from "../analyze/ast.js";
import { implicitName } from "../analyze/handlers/implicit-names.js";

/** Where something was written. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface TableState extends SourcePosition {
  name: string;
  rlsEnabled: boolean;
  rlsForced: boolean;
  /** Names of the table's policies. */
  policies: Set<string>;
}

export interface ForeignKeyState extends SourcePosition {
  table: string;
  columns: string[];
  /** Qualified constraint name as the analyzer derives it (`public.t.t_col_fkey`), to follow DROP CONSTRAINT. */
  constraint: string;
}

export interface IndexState {
  table: string;
  /** Qualified index name (`public.t_col_idx`), to follow DROP INDEX. */
  name: string;
  /** Column names in order; an expression column is "" (it covers nothing). */
  columns: string[];
  /** A partial index (WHERE …) does not serve every lookup of a foreign key. */
  partial: boolean;
}

/** The whole of a `LintProjectState` as plain data (Maps, Sets, arrays, objects): what a lint checkpoint keeps. */
export interface LintProjectData {
  tables: Map<string, TableState>;
  foreignKeys: ForeignKeyState[];
  indexes: IndexState[];
  ruleStates: Map<string, unknown>;
}

/**
 * What the migrations linted so far created, for rules that judge the project as a whole:
 * every table with its RLS switches and policies, every foreign key, every index's columns, and
 * what each rule keeps for itself (`ruleState`). Updated after each statement, so a statement's
 * rules see the state before it. It is plain data throughout, so that a lint run can be saved
 * after its last migration and carried on from there (`data`, and the constructor).
 */
export class LintProjectState {
  readonly tables: Map<string, TableState>;
  readonly foreignKeys: ForeignKeyState[];
  readonly indexes: IndexState[];
  private readonly ruleStates: Map<string, unknown>;

  constructor(data?: LintProjectData) {
    this.tables = data?.tables ?? new Map();
    this.foreignKeys = data?.foreignKeys ?? [];
    this.indexes = data?.indexes ?? [];
    this.ruleStates = data?.ruleStates ?? new Map();
  }

  /** The state as plain data, shared, not copied: serialise it before the run goes on. */
  data(): LintProjectData {
    return { tables: this.tables, foreignKeys: this.foreignKeys, indexes: this.indexes, ruleStates: this.ruleStates };
  }

  /**
   * What one rule remembers across statements and migrations (a map of column types, say),
   * created on first use. It must stay plain data (no functions, no syntax trees) and depend only
   * on the statements seen: it is saved with the run and restored instead of re-linting.
   */
  ruleState<T>(ruleId: string, create: () => T): T {
    let state = this.ruleStates.get(ruleId) as T | undefined;
    if (state === undefined) {
      state = create();
      this.ruleStates.set(ruleId, state);
    }
    return state;
  }

  /** Applies one analysed statement. `qualify` resolves RangeVars as the migration does. */
  update(node: AstNode, facts: AnalyzedStatement, at: SourcePosition, qualify: (relation: unknown) => string): void {
    for (const dropped of facts.drops) {
      if (dropped.kind === "table") this.dropTable(dropped.name);
      if (dropped.kind === "constraint") this.dropConstraint(dropped.name);
      if (dropped.kind === "column") this.dropColumn(dropped.name);
      if (dropped.kind === "index") this.removeFrom(this.indexes, (index) => index.name === dropped.name);
      if (dropped.kind === "policy") {
        const table = this.tables.get(dropped.name.slice(0, dropped.name.lastIndexOf(".")));
        table?.policies.delete(dropped.name.slice(dropped.name.lastIndexOf(".") + 1));
      }
    }
    for (const rename of facts.renames) {
      if (rename.kind === "table") this.renameTable(rename.from, rename.to);
      if (rename.kind === "column") this.renameColumn(rename.from, rename.to);
    }
    for (const created of facts.creates) {
      if (created.kind === "table" && !this.tables.has(created.name)) {
        this.tables.set(created.name, { name: created.name, ...at, rlsEnabled: false, rlsForced: false, policies: new Set() });
      }
      if (created.kind === "policy") {
        const table = this.tables.get(created.name.slice(0, created.name.lastIndexOf(".")));
        table?.policies.add(created.name.slice(created.name.lastIndexOf(".") + 1));
      }
    }
    const [kind, fields] = unwrap(node);
    if (kind === "CreateStmt") this.addTableConstraints(qualify(fields.relation), listOf(fields.tableElts), at);
    if (kind === "IndexStmt") {
      const columns = listOf(fields.indexParams).map((param) => String(unwrap(param)[1].name ?? ""));
      const created = facts.creates.find((object) => object.kind === "index");
      this.indexes.push({ table: qualify(fields.relation), name: created?.name ?? "", columns, partial: fields.whereClause !== undefined });
    }
    if (kind === "AlterTableStmt") {
      const table = qualify(fields.relation);
      for (const command of listOf(fields.cmds).map((entry) => unwrap(entry)[1])) {
        const state = this.tables.get(table);
        if (command.subtype === "AT_EnableRowSecurity" && state) state.rlsEnabled = true;
        if (command.subtype === "AT_DisableRowSecurity" && state) state.rlsEnabled = false;
        if (command.subtype === "AT_ForceRowSecurity" && state) state.rlsForced = true;
        if (command.subtype === "AT_NoForceRowSecurity" && state) state.rlsForced = false;
        const [definitionKind, definition] = unwrap(command.def);
        if (command.subtype === "AT_AddConstraint" && definitionKind === "Constraint") this.addConstraint(table, definition, [], at);
        if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef") this.addColumnConstraints(table, definition, at);
      }
    }
  }

  /**
   * A test, over the indexes as they are now, of whether a table has an index whose leading
   * columns are exactly `columns` (in any order among the first n). The indexes are grouped by
   * table once, so that checking every foreign key of a large project is not quadratic.
   */
  indexLeadingWith(): (table: string, columns: readonly string[]) => boolean {
    const byTable = new Map<string, IndexState[]>();
    for (const index of this.indexes) {
      if (index.partial) continue;
      const onTable = byTable.get(index.table);
      if (onTable) onTable.push(index);
      else byTable.set(index.table, [index]);
    }
    return (table, columns) =>
      (byTable.get(table) ?? []).some((index) => {
        if (index.columns.length < columns.length) return false;
        const leading = new Set(index.columns.slice(0, columns.length));
        return columns.every((column) => leading.has(column));
      });
  }

  private addTableConstraints(table: string, elements: AstNode[], at: SourcePosition): void {
    for (const element of elements) {
      const [elementKind, definition] = unwrap(element);
      if (elementKind === "ColumnDef") this.addColumnConstraints(table, definition, at);
      if (elementKind === "Constraint") this.addConstraint(table, definition, [], at);
    }
  }

  private addColumnConstraints(table: string, column: AstNode, at: SourcePosition): void {
    for (const constraint of listOf(column.constraints)) this.addConstraint(table, unwrap(constraint)[1], [String(column.colname)], at);
  }

  private addConstraint(table: string, constraint: AstNode, columnOfDefinition: string[], at: SourcePosition): void {
    const columns = columnOfDefinition.length > 0 ? columnOfDefinition : names(constraint.keys ?? constraint.fk_attrs);
    const [schema, bare] = [table.slice(0, table.indexOf(".")), table.slice(table.indexOf(".") + 1)];
    const suffix = constraint.contype === "CONSTR_PRIMARY" ? "pkey" : constraint.contype === "CONSTR_UNIQUE" ? "key" : "fkey";
    const name = typeof constraint.conname === "string" ? constraint.conname : implicitName(bare, columns, suffix);
    if (constraint.contype === "CONSTR_FOREIGN") this.foreignKeys.push({ table, columns, constraint: `${table}.${name}`, ...at });
    if (constraint.contype === "CONSTR_PRIMARY" || constraint.contype === "CONSTR_UNIQUE") {
      this.indexes.push({ table, name: `${schema}.${name}`, columns, partial: false });
    }
  }

  private dropTable(name: string): void {
    this.tables.delete(name);
    this.removeWhere((entry) => entry.table === name);
  }

  /** `public.t.t_key`: a foreign key, or a primary key / unique constraint and the index it owns. */
  private dropConstraint(name: string): void {
    const table = name.slice(0, name.lastIndexOf("."));
    const index = `${table.slice(0, table.indexOf("."))}.${name.slice(name.lastIndexOf(".") + 1)}`;
    this.removeFrom(this.foreignKeys, (key) => key.constraint === name);
    this.removeFrom(this.indexes, (entry) => entry.table === table && entry.name === index);
  }

  /** `public.t.col`: PostgreSQL drops the indexes and foreign keys that use the column with it. */
  private dropColumn(name: string): void {
    const [table, column] = [name.slice(0, name.lastIndexOf(".")), name.slice(name.lastIndexOf(".") + 1)];
    this.removeFrom(this.foreignKeys, (key) => key.table === table && key.columns.includes(column));
    this.removeFrom(this.indexes, (index) => index.table === table && index.columns.includes(column));
  }

  /** `public.t.a` → `public.t.b`: indexes and foreign keys follow the column. */
  private renameColumn(from: string, to: string): void {
    const table = from.slice(0, from.lastIndexOf("."));
    const [old, renamed] = [from.slice(from.lastIndexOf(".") + 1), to.slice(to.lastIndexOf(".") + 1)];
    for (const entry of [...this.foreignKeys, ...this.indexes]) {
      if (entry.table === table) entry.columns = entry.columns.map((column) => (column === old ? renamed : column));
    }
  }

  private renameTable(from: string, to: string): void {
    const state = this.tables.get(from);
    if (state) {
      this.tables.delete(from);
      this.tables.set(to, { ...state, name: to });
    }
    for (const entry of [...this.foreignKeys, ...this.indexes]) if (entry.table === from) entry.table = to;
  }

  private removeFrom<T>(list: T[], test: (entry: T) => boolean): void {
    for (let i = list.length - 1; i >= 0; i--) if (test(list[i] as T)) list.splice(i, 1);
  }

  private removeWhere(test: (entry: { table: string }) => boolean): void {
    for (const list of [this.foreignKeys, this.indexes] as Array<Array<{ table: string }>>) {
      for (let i = list.length - 1; i >= 0; i--) if (test(list[i] as { table: string })) list.splice(i, 1);
    }
  }
}
