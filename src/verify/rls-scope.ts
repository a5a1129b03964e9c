import { rlsSchemasOf } from "../config/schema.js";
import type { TableSnapshot } from "../model/snapshot.js";
import type { VerifyContext } from "./check.js";

/** The tables the RLS checks judge. */
export interface RlsScope {
  /** `checks.rls.schemas` (or the preset's default), as configured. */
  schemas: string[];
  /** The tables and partitioned tables of those schemas in the `after` snapshot. */
  tables: TableSnapshot[];
  /** RLS schemas the snapshot did not read (not in `project.schemas`): their tables are unknown. */
  unread: string[];
}

/**
 * The tables of the RLS schemas, from the `after` snapshot. Foreign tables are left out:
 * PostgreSQL cannot enable row-level security on them.
 */
export function rlsScopeOf(context: VerifyContext): RlsScope {
  const schemas = rlsSchemasOf(context.config);
  const read = new Set(context.after.source.schemas);
  return {
    schemas,
    tables: context.after.tables.filter((table) => schemas.includes(table.schema) && table.kind !== "foreign table"),
    unread: schemas.filter((schema) => !read.has(schema)),
  };
}

/** The detail line for an RLS schema the snapshot did not read. */
export function unreadSchemaDetail(schema: string): string {
  return `schema ${schema} is in checks.rls.schemas but not in project.schemas, so its tables were not read: add it to project.schemas`;
}
