import { quoteIdent } from "../util/quote-ident.js";
import type { TableName } from "./table-pattern.js";

/** A table's name as SQL, schema-qualified and quoted: `"public"."Orders"`. */
export function relationSql(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}
