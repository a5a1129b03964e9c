/**
 * Names PostgreSQL chooses for objects a statement does not name (ChooseRelationName in
 * src/backend/commands/indexcmds.c): `<table>_pkey`, `<table>_<columns>_key|fkey|check|idx`,
 * `<table>_<column>_seq`. PostgreSQL shortens long names to 63 bytes by trimming the parts; a
 * plain cut is used here, which is why references to indexes and constraints stay soft.
 */
export function implicitName(table: string, columns: readonly string[], suffix: string): string {
  const parts = suffix === "pkey" ? [table, suffix] : [table, ...columns, suffix];
  return parts.join("_").slice(0, 63);
}

/** `schema.table` → [schema, table]. */
export function splitName(qualified: string): [string, string] {
  const dot = qualified.indexOf(".");
  return dot === -1 ? ["public", qualified] : [qualified.slice(0, dot), qualified.slice(dot + 1)];
}
