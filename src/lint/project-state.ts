import type { AnalyzedStatement } from "../analyze/analyze-statement.js";
import { type AstNode, listOf, names, unwrap } from "../analyze/ast.js";

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
  policies: number;
}

export interface ForeignKeyState extends SourcePosition {
  table: string;
  columns: string[];
}

export interface IndexState {
  table: string;
  /** Column names in order; an expression column is "" (it covers nothing). */
  columns: string[];
}

/**
 * What the migrations linted so far created, for rules that judge the project as a whole:
 * every table with its RLS switches and policies, every foreign key, every index's columns.
 * Updated after each statement, so a statement's rules see the state before it.
 */
export class LintProjectState {
  readonly tables = new Map<string, TableState>();
  readonly foreignKeys: ForeignKeyState[] = [];
  readonly indexes: IndexState[] = [];

  /** Applies one analysed statement. `qualify` resolves RangeVars as the migration does. */
  update(node: AstNode, facts: AnalyzedStatement, at: SourcePosition, qualify: (relation: unknown) => string): void {
    for (const dropped of facts.drops) if (dropped.kind === "table") this.dropTable(dropped.name);
    for (const rename of facts.renames) if (rename.kind === "table") this.renameTable(rename.from, rename.to);
    for (const created of facts.creates) {
      if (created.kind === "table" && !this.tables.has(created.name)) {
        this.tables.set(created.name, { name: created.name, ...at, rlsEnabled: false, rlsForced: false, policies: 0 });
      }
      if (created.kind === "policy") {
        const table = this.tables.get(created.name.slice(0, created.name.lastIndexOf(".")));
        if (table) table.policies++;
      }
    }
    const [kind, fields] = unwrap(node);
    if (kind === "CreateStmt") this.addTableConstraints(qualify(fields.relation), listOf(fields.tableElts), at);
    if (kind === "IndexStmt") {
      const columns = listOf(fields.indexParams).map((param) => String(unwrap(param)[1].name ?? ""));
      this.indexes.push({ table: qualify(fields.relation), columns });
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

  /** Is there an index whose leading columns are exactly `columns` (in any order among the first n)? */
  hasIndexLeadingWith(table: string, columns: readonly string[]): boolean {
    return this.indexes.some((index) => {
      if (index.table !== table || index.columns.length < columns.length) return false;
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
    if (constraint.contype === "CONSTR_FOREIGN") this.foreignKeys.push({ table, columns, ...at });
    if (constraint.contype === "CONSTR_PRIMARY" || constraint.contype === "CONSTR_UNIQUE") this.indexes.push({ table, columns });
  }

  private dropTable(name: string): void {
    this.tables.delete(name);
    this.removeWhere((entry) => entry.table === name);
  }

  private renameTable(from: string, to: string): void {
    const state = this.tables.get(from);
    if (state) {
      this.tables.delete(from);
      this.tables.set(to, { ...state, name: to });
    }
    for (const entry of [...this.foreignKeys, ...this.indexes]) if (entry.table === from) entry.table = to;
  }

  private removeWhere(test: (entry: { table: string }) => boolean): void {
    for (const list of [this.foreignKeys, this.indexes] as Array<Array<{ table: string }>>) {
      for (let i = list.length - 1; i >= 0; i--) if (test(list[i] as { table: string })) list.splice(i, 1);
    }
  }
}
