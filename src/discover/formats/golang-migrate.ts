import type { Migration } from "../../model/migration.js";
import type { FormatContext } from "../format-context.js";
import { readPairedMigrations } from "./read-paired-migrations.js";

/**
 * golang-migrate folders: `<version>_<name>.up.sql` with an optional `<version>_<name>.down.sql`
 * (https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md). The name may also use
 * the `V0001.Name.up.sql` spelling of Authelia's runner. A `.sql` file without `.up`/`.down` is
 * an error, as golang-migrate cannot tell its direction. Ordered by version value.
 */
export function readGolangMigrateMigrations(context: FormatContext): Promise<Migration[]> {
  return readPairedMigrations(context, {
    format: "golang-migrate",
    expected: "<version>_<name>.up.sql or <version>_<name>.down.sql",
    isDirectionRequired: true,
    allowsSections: false,
  });
}
