import type { Migration } from "../../model/migration.js";
import type { FormatContext } from "../format-context.js";
import { readSectionedMigrations } from "./read-sectioned-migrations.js";

/**
 * dbmate migrations: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections; a
 * `transaction:false` option on a marker makes that direction non-transactional, as dbmate does.
 * Every file must have a `-- migrate:up` section. https://github.com/amacneil/dbmate#creating-migrations
 */
export function readDbmateMigrations(context: FormatContext): Promise<Migration[]> {
  return readSectionedMigrations(context, { format: "dbmate", dialect: "dbmate" });
}
