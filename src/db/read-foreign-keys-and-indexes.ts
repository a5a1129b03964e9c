import type { Engine } from "./engine.js";

/** A foreign key of the target, named as the analyzer names constraints (`public.orders.orders_user_id_fkey`). */
export interface TargetForeignKey {
  constraint: string;
  table: string;
  columns: string[];
  references: string;
}

/** An index of the target and its table, both qualified. */
export interface TargetIndex {
  index: string;
  table: string;
}

/**
 * The foreign keys and indexes a database holds outside the system schemas: what a pending
 * migration may drop without naming the tables that lock with it (`ImpliedLocks`). Names are
 * `schema.name`, unquoted, as `readCatalogNames` gives them. A partitioned table's foreign key
 * is read once, not again for each partition's copy. Works on PostgreSQL 13+ and PGlite.
 */
export async function readForeignKeysAndIndexes(engine: Engine): Promise<{ foreignKeys: TargetForeignKey[]; indexes: TargetIndex[] }> {
  const userSchemas =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
  const foreignKeys = await engine.query<TargetForeignKey>(`
      SELECT n.nspname || '.' || c.relname || '.' || con.conname AS constraint,
             n.nspname || '.' || c.relname AS table,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                    ORDER BY k.position) AS columns,
             rn.nspname || '.' || r.relname AS references
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
       WHERE con.contype = 'f' AND con.conparentid = 0 AND ${userSchemas}
       ORDER BY 1`);
  const indexes = await engine.query<TargetIndex>(`
      SELECT n.nspname || '.' || i.relname AS index, n.nspname || '.' || t.relname AS table
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
       WHERE ${userSchemas}
       ORDER BY 1`);
  return { foreignKeys, indexes };
}
