import type { Snapshot } from "../model/snapshot.js";
import { loadParser, parseFragment } from "../parse/parse-sql.js";

/**
 * Two snapshots as they compare across server versions: what the newer server prints or grants
 * differently for the same SQL is taken out of both (docs/snapshot.md, "Server versions"), so that
 * a schema replayed in PGlite (PostgreSQL 18) and the same schema on a PostgreSQL 15 server agree.
 *
 * - Across 17: `GRANT ALL` on a table or view also grants `MAINTAIN`, which older servers lack;
 *   those grants are dropped from both.
 * - Across 16: a view over a single relation prints its columns unqualified (`event_time`) where
 *   older servers qualify them (`lineage_events.event_time`); both definitions lose those
 *   qualifiers (`unqualifiedViewDefinition`).
 *
 * Snapshots of one major version come back as they are.
 */
export async function alignServerVersions(a: Snapshot, b: Snapshot): Promise<[Snapshot, Snapshot]> {
  let aligned: [Snapshot, Snapshot] = [a, b];
  if (straddles(a, b, 17)) aligned = [withoutMaintain(aligned[0]), withoutMaintain(aligned[1])];
  if (straddles(a, b, 16) && (a.views.length > 0 || b.views.length > 0)) {
    await loadParser();
    aligned = [withUnqualifiedViews(aligned[0]), withUnqualifiedViews(aligned[1])];
  }
  return aligned;
}

function major(snapshot: Snapshot): number {
  return Math.floor(snapshot.source.server_version_num / 10000);
}

/** True when one snapshot comes from a server before `version` and the other from `version` or later. */
function straddles(a: Snapshot, b: Snapshot, version: number): boolean {
  return major(a) < version !== major(b) < version;
}

function withoutMaintain(snapshot: Snapshot): Snapshot {
  const drop = <T extends { grants: { privilege: string }[] }>(object: T): T => ({
    ...object,
    grants: object.grants.filter((grant) => grant.privilege !== "MAINTAIN"),
  });
  return { ...snapshot, tables: snapshot.tables.map(drop), views: snapshot.views.map(drop) };
}

function withUnqualifiedViews(snapshot: Snapshot): Snapshot {
  return { ...snapshot, views: snapshot.views.map((view) => ({ ...view, definition: unqualifiedViewDefinition(view.definition) })) };
}

/**
 * A view definition as PostgreSQL 16 and later print it: in a top-level SELECT that reads a
 * single relation, column references lose their qualifier. Older servers kept two hidden range
 * table entries in every view, so they always qualified them. Subqueries, CTEs and the branches
 * of a UNION print qualified on every version and are left alone. Needs `loadParser()`; a
 * definition that does not parse comes back unchanged.
 */
export function unqualifiedViewDefinition(definition: string): string {
  const [statement] = parseFragment(definition) ?? [];
  const select = statement?.SelectStmt as Record<string, unknown> | undefined;
  if (!select || (select.op !== undefined && select.op !== "SETOP_NONE")) return definition;
  const from = select.fromClause as Record<string, unknown>[] | undefined;
  if (from?.length !== 1 || from[0]?.JoinExpr !== undefined) return definition;

  const starts: number[] = [];
  for (const key of ["targetList", "whereClause", "groupClause", "havingClause", "windowClause", "sortClause", "distinctClause"]) {
    collectQualifiedColumns(select[key], starts);
  }
  if (starts.length === 0) return definition;
  const bytes = Buffer.from(definition, "utf8");
  const kept: Buffer[] = [];
  let at = 0;
  for (const start of starts.sort((x, y) => x - y)) {
    const end = qualifierEnd(bytes, start);
    if (end === null || start < at) continue;
    kept.push(bytes.subarray(at, start));
    at = end;
  }
  kept.push(bytes.subarray(at));
  return Buffer.concat(kept).toString("utf8");
}

/** Byte offsets of two-part column references (`relation.column`), not descending into subqueries. */
function collectQualifiedColumns(node: unknown, starts: number[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectQualifiedColumns(item, starts);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "ColumnRef") {
      const ref = value as { fields?: Record<string, unknown>[]; location?: number };
      if (ref.fields?.length === 2 && ref.fields[1]?.String !== undefined && ref.location !== undefined) starts.push(ref.location);
    } else if (key === "SubLink") {
      // The subquery is its own level; the expression compared with it belongs to this one.
      collectQualifiedColumns((value as { testexpr?: unknown }).testexpr, starts);
    } else {
      collectQualifiedColumns(value, starts);
    }
  }
}

/** Where the qualifier starting at `start` ends, after its dot: `name.` or `"quoted ""name""".`. */
function qualifierEnd(bytes: Buffer, start: number): number | null {
  const quote = 0x22;
  const dot = 0x2e;
  let at = start;
  if (bytes[at] === quote) {
    at++;
    while (at < bytes.length) {
      if (bytes[at] === quote && bytes[at + 1] === quote) at += 2;
      else if (bytes[at] === quote) break;
      else at++;
    }
    at++;
  } else {
    while (at < bytes.length && bytes[at] !== dot && bytes[at] !== quote && bytes[at] !== 0x20) at++;
  }
  return bytes[at] === dot ? at + 1 : null;
}
