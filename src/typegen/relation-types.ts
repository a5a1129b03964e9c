import type { ColumnSnapshot, TableSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { compareText } from "../snapshot/assemble-snapshot.js";
import type { TsObject, TsProperty } from "./render-ts-type.js";
import { tsObject } from "./render-ts-type.js";
import { tableRelationships } from "./table-relationships.js";
import type { TypeCatalog } from "./type-catalog.js";

/**
 * `Row`, `Insert`, `Update` and `Relationships` of a table, columns sorted by name as supabase's
 * generator sorts them. A column may be left out of an insert when PostgreSQL fills it: it is
 * nullable, has a default (its own or its domain's; `serial` is a default too) or is an identity
 * `BY DEFAULT`. Identity `ALWAYS` and generated columns refuse a value (PostgreSQL raises
 * 428C9), so Insert and Update type them `never`. Every column of Update is optional. A column
 * whose domain is `NOT NULL` is never null in a row, though the column itself allows it.
 */
export function tableTypes(table: TableSnapshot, catalog: TypeCatalog): TsObject {
  const columns = sortedColumns(table.columns).map((column) => {
    const domain = catalog.domainTraits(column.type);
    const isNullable = !column.not_null && !domain.isNotNull;
    const type = catalog.tsType(column.type) + (isNullable ? " | null" : "");
    const isWriteProtected = column.identity === "always" || column.generated !== null;
    const isInsertOptional = isNullable || column.default !== null || domain.hasDefault || column.identity !== null;
    return { name: column.name, type, isWriteProtected, isInsertOptional };
  });
  const writable = (isOptional: (column: (typeof columns)[number]) => boolean): TsProperty[] =>
    columns.map((column) =>
      column.isWriteProtected
        ? { key: column.name, type: "never", isOptional: true }
        : { key: column.name, type: column.type, isOptional: isOptional(column) },
    );
  return tsObject([
    { key: "Row", type: tsObject(columns.map((column) => ({ key: column.name, type: column.type }))) },
    { key: "Insert", type: tsObject(writable((column) => column.isInsertOptional)) },
    { key: "Update", type: tsObject(writable(() => true)) },
    { key: "Relationships", type: tableRelationships(table) },
  ]);
}

/**
 * `Row` and `Relationships` of a view or materialized view. View columns are nullable unless
 * the catalog says otherwise (it rarely does: PostgreSQL does not carry NOT NULL through a
 * view). Whether a view is updatable is not in the snapshot, so no Insert or Update is written,
 * and foreign keys of the tables behind it are not followed: `Relationships` is empty.
 */
export function viewTypes(view: ViewSnapshot, catalog: TypeCatalog): TsObject {
  return tsObject([
    {
      key: "Row",
      type: tsObject(
        sortedColumns(view.columns).map((column) => ({
          key: column.name,
          type: catalog.tsType(column.type) + (column.not_null ? "" : " | null"),
        })),
      ),
    },
    { key: "Relationships", type: { kind: "tuple", items: [] } },
  ]);
}

function sortedColumns(columns: readonly ColumnSnapshot[]): ColumnSnapshot[] {
  return [...columns].sort((a, b) => compareText(a.name, b.name));
}
