import type { Migration } from "../../model/migration.js";
import type { FormatContext } from "../format-context.js";
import { readPairedMigrations } from "./read-paired-migrations.js";

/**
 * Plain SQL / Supabase CLI / drizzle-kit / node-pg-migrate folders: `<version>_<name>.sql`
 * (separator `_`, `-` or `.`, optional `V` prefix, optional `.up` before `.sql`), ordered by
 * version value so `00010-x.sql` runs after `0009-y.sql` (supabase/storage relies on it). The
 * down script is a `<version>_<name>.down.sql` sibling or a `-- migrate:down` section of the up
 * file; lines above that section are the up script. SPEC §3.
 */
export function readPlainMigrations(context: FormatContext): Promise<Migration[]> {
  return readPairedMigrations(context, {
    format: "plain",
    expected: "<version>_<name>.sql (or <version>_<name>.down.sql)",
    isDirectionRequired: false,
    allowsSections: true,
  });
}
