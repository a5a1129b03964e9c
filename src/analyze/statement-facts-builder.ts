import type { ObjectKind, RelationLock } from "../model/analysis.js";
import type { NamedRef, NameResolver } from "./name-resolver.js";

/** An object that a statement renames or moves to another schema. */
export interface Rename {
  kind: ObjectKind;
  from: string;
  to: string;
}

/** A foreign key a statement adds: on `table` (`columns`), referencing `references`. */
export interface ForeignKeyFact {
  /** Qualified as the analyzer names constraints: `public.orders.orders_user_id_fkey`. */
  constraint: string;
  table: string;
  columns: string[];
  references: string;
}

/** An index a statement builds (CREATE INDEX, or a primary key or unique constraint) and its table. */
export interface IndexFact {
  index: string;
  table: string;
}

/** Collects what one statement does while its handler walks the AST. */
export class FactsBuilder {
  kind = "other";
  readonly creates: NamedRef[] = [];
  readonly alters: NamedRef[] = [];
  readonly drops: NamedRef[] = [];
  readonly renames: Rename[] = [];
  readonly references: NamedRef[] = [];
  readonly softReferences: NamedRef[] = [];
  /** AST nodes (by identity) whose subtree names what the statement creates, not what it needs. */
  readonly skip = new Set<unknown>();
  tolerantCreate = false;
  tolerantDrop = false;
  /** DROP … CASCADE: objects that depend on the dropped ones go too. */
  cascade = false;
  /** CREATE EXTENSION: the schema that receives its objects. */
  extensionSchema: string | undefined;
  /** Foreign keys the statement adds, to follow them across migrations (plan/implied-locks.ts). */
  readonly foreignKeys: ForeignKeyFact[] = [];
  /** Indexes the statement builds, with their tables: DROP INDEX names only the index. */
  readonly indexes: IndexFact[] = [];
  /** Locks the SQL a DO block runs takes, beside those of the statement itself. */
  readonly embeddedLocks: RelationLock[] = [];

  constructor(
    readonly resolver: NameResolver,
    /** The statement's own text (PL/pgSQL bodies are parsed from it). */
    readonly statementSql: string,
    /** Analyses SQL embedded in this statement (DO blocks, function bodies). */
    readonly analyzeEmbedded: (sql: string) => EmbeddedFacts | null,
    /** The statement's PL/pgSQL body already parsed (by the syntax check), if it has one. */
    readonly plpgsqlTree?: unknown,
  ) {}

  create(kind: ObjectKind, name: string): void {
    this.creates.push({ kind, name });
  }

  alter(kind: ObjectKind, name: string): void {
    this.alters.push({ kind, name });
  }

  drop(kind: ObjectKind, name: string): void {
    this.drops.push({ kind, name });
  }

  foreignKey(fact: ForeignKeyFact): void {
    this.foreignKeys.push(fact);
  }

  indexOn(index: string, table: string): void {
    this.indexes.push({ index, table });
  }

  rename(kind: ObjectKind, from: string, to: string): void {
    if (from !== to) this.renames.push({ kind, from, to });
  }

  reference(ref: NamedRef | null, options: { soft?: boolean } = {}): void {
    if (ref) (options.soft ? this.softReferences : this.references).push(ref);
  }
}

/** What embedded SQL creates, drops and mentions, and the locks it takes when it runs. */
export interface EmbeddedFacts {
  creates: NamedRef[];
  drops: NamedRef[];
  references: NamedRef[];
  locks: RelationLock[];
}
