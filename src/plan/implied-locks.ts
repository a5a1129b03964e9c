import type { AnalyzedStatement } from "../analyze/analyze-statement.js";
import type { ForeignKeyFact, IndexFact } from "../analyze/statement-facts-builder.js";
import type { ObjectRef, RelationLock } from "../model/analysis.js";

/**
 * The locks a statement takes on tables it does not name, through objects the migrations planned
 * so far made; a statement alone cannot tell (another migration made them), so the plan follows
 * them (`apply`), statement by statement in apply order.
 *
 * - Removing a foreign key drops its triggers from both tables, which takes ACCESS EXCLUSIVE on
 *   the other one too (`RemoveConstraintById`, pg_constraint.c): DROP TABLE of a referencing
 *   table locks every table it references; DROP TABLE … CASCADE of a referenced table locks every
 *   table referencing it; DROP CONSTRAINT of a foreign key, or DROP COLUMN of one of its columns,
 *   locks the referenced table.
 * - DROP INDEX names the index; its table takes the same lock (ACCESS EXCLUSIVE, or SHARE UPDATE
 *   EXCLUSIVE with CONCURRENTLY).
 * - DROP SCHEMA … CASCADE drops, and locks, every relation in it; DROP TABLE … CASCADE the views
 *   over the table. The plan's registry tells which (`droppedWith`); their foreign keys follow.
 *
 * A plan against a database knows the target's own foreign keys and indexes too (`addExisting`),
 * which migrations need not have made (a baseline, an adopted history, a change by hand).
 */
export class ImpliedLocks {
  /** Foreign keys by qualified constraint name. */
  private readonly keys = new Map<string, ForeignKeyFact>();
  /** Tables by qualified index name. */
  private readonly indexes = new Map<string, string>();

  /** Records foreign keys and indexes that exist already (the target's): as if a statement had made them. */
  addExisting(foreignKeys: readonly ForeignKeyFact[], indexes: readonly IndexFact[]): void {
    for (const key of foreignKeys) this.keys.set(key.constraint, { ...key, columns: [...key.columns] });
    for (const index of indexes) this.indexes.set(index.index, index.table);
  }

  /**
   * The locks `facts` takes through the objects it removes; then records what it renames and
   * adds. `droppedWith`: the relations it drops without naming them (those of a dropped schema,
   * views of a table dropped with CASCADE), each taking ACCESS EXCLUSIVE like a named one.
   */
  apply(facts: AnalyzedStatement, droppedWith: readonly ObjectRef[] = []): RelationLock[] {
    const locks: RelationLock[] = droppedWith.map((relation) => ({ relation: relation.name, mode: "AccessExclusiveLock" }));
    const remove = (key: ForeignKeyFact, other: string) => {
      this.keys.delete(key.constraint);
      if (key.table !== key.references) locks.push({ relation: other, mode: "AccessExclusiveLock" });
    };
    for (const dropped of [...facts.drops, ...droppedWith]) {
      for (const key of [...this.keys.values()]) {
        if (dropped.kind === "table" && key.table === dropped.name) remove(key, key.references);
        else if (dropped.kind === "table" && key.references === dropped.name) remove(key, key.table);
        else if (dropped.kind === "constraint" && key.constraint === dropped.name) remove(key, key.references);
        else if (dropped.kind === "column" && key.columns.some((column) => `${key.table}.${column}` === dropped.name)) {
          remove(key, key.references);
        }
      }
      if (dropped.kind === "index") {
        const table = this.indexes.get(dropped.name);
        const mode = facts.locks.find((lock) => lock.relation === dropped.name)?.mode;
        if (table && mode) locks.push({ relation: table, mode });
        this.indexes.delete(dropped.name);
      }
      if (dropped.kind === "table") {
        for (const [index, table] of this.indexes) if (table === dropped.name) this.indexes.delete(index);
      }
    }
    for (const rename of facts.renames) this.rename(rename.kind, rename.from, rename.to);
    this.addExisting(facts.foreignKeys, facts.indexes);
    return locks;
  }

  /**
   * Follows a rename: a table or schema carries the names under it (`public.t.t_fkey`), and
   * relation names share one namespace, so moving every name under `from` touches only its own;
   * a column is matched whole, since a constraint may bear its name.
   */
  private rename(kind: string, from: string, to: string): void {
    // A trigger or policy may share a constraint's name on the same table.
    if (!["schema", "table", "index", "constraint", "column"].includes(kind)) return;
    const moved = (name: string) => (name === from ? to : name.startsWith(`${from}.`) ? `${to}${name.slice(from.length)}` : name);
    for (const key of [...this.keys.values()]) {
      const next =
        kind === "column"
          ? {
              ...key,
              columns: key.columns.map((column) => (`${key.table}.${column}` === from ? to.slice(to.lastIndexOf(".") + 1) : column)),
            }
          : { ...key, constraint: moved(key.constraint), table: moved(key.table), references: moved(key.references) };
      this.keys.delete(key.constraint);
      this.keys.set(next.constraint, next);
    }
    for (const [index, table] of [...this.indexes]) {
      this.indexes.delete(index);
      this.indexes.set(moved(index), moved(table));
    }
  }
}
