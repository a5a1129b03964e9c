/** The parts of a `<version>_<name>.sql` file name. */
export interface VersionedName {
  /** Digits, possibly dotted ("0001", "2.1", "20251014220000"), as written, without the `V`. */
  version: string;
  /** The rest of the name without its extension; may be empty ("001.sql"). */
  name: string;
  /** `.up.sql` / `.down.sql` suffix, or `null` for a bare `.sql`. */
  direction: "up" | "down" | null;
}

/**
 * Parses the file names of the plain family of SPEC §3 (plain/Supabase, golang-migrate, dbmate,
 * goose): an optional `V` prefix, a numeric version whose segments are separated by `.`, then
 * `_`, `-` or `.` and a name, then an optional `.up`/`.down` and `.sql`. Examples:
 * `20251014220000_init.sql`, `00010-search-files.sql`, `V0001.Initial_Schema.up.sql`.
 * Returns `null` for a name that does not start with a version.
 */
export function parseVersionedName(fileName: string): VersionedName | null {
  const sql = /^(.*)\.sql$/i.exec(fileName);
  if (!sql) return null;
  let stem = sql[1] ?? "";
  let direction: VersionedName["direction"] = null;
  const suffix = /\.(up|down)$/i.exec(stem);
  if (suffix) {
    direction = (suffix[1] ?? "").toLowerCase() as "up" | "down";
    stem = stem.slice(0, suffix.index);
  }
  const match = /^V?(\d+(?:\.\d+)*)(?:[_.-](.*))?$/.exec(stem);
  if (!match) return null;
  return { version: match[1] ?? "", name: match[2] ?? "", direction };
}
