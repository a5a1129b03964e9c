import type { Migration } from "../../model/migration.js";
import type { FormatContext } from "../format-context.js";
import { readSectionedMigrations } from "./read-sectioned-migrations.js";

/**
 * goose SQL migrations: `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down` sections;
 * `-- +goose NO TRANSACTION` makes both scripts non-transactional, as goose runs that file
 * outside a transaction. https://pressly.github.io/goose/documentation/annotations/
 */
export function readGooseMigrations(context: FormatContext): Promise<Migration[]> {
  return readSectionedMigrations(context, { format: "goose", dialect: "goose" });
}
