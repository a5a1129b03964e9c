import { describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { type LockMode, lockModes } from "../model/analysis.js";
import { parseSql } from "../parse/parse-sql.js";
import { analyzeStatement } from "./analyze-statement.js";
import { NameResolver } from "./name-resolver.js";
import { predictLocks } from "./predict-locks.js";

/**
 * Each case runs its statement on a real server and compares the prediction with `pg_locks`.
 *
 * Only the relations the prediction names are compared: PostgreSQL also locks indexes, TOAST
 * tables, owned sequences, partitions and the table behind an index, which the SQL does not name
 * and the prediction leaves to the catalog (see predictLocks). For those relations, the strongest
 * mode the session held or was waiting for must be the predicted one.
 *
 * Statements run in a transaction that is rolled back, since locks are held until its end. The
 * ones PostgreSQL refuses to run in a transaction block (CONCURRENTLY, VACUUM) run in a session
 * of their own while a third session holds `blocker`: the statement then has to wait, and a
 * watcher reads its granted and waiting locks from `pg_locks` while it does. Each blocker is
 * chosen so the wait happens where the statement holds (or asks for) its strongest lock.
 */
interface LockCase {
  name: string;
  setup: string;
  sql: string;
  /** The predicted (and observed) strongest mode per relation; names without a dot are in public. */
  expected: Record<string, LockMode>;
  /** Run outside a transaction, while another session holds this (in an open transaction). */
  blocker?: string;
  /** Relations the statement must not lock at all. */
  unlocked?: string[];
}

const base = "CREATE TABLE o (id int PRIMARY KEY); CREATE TABLE t (id int PRIMARY KEY, a int, b text, o_id int);";
const withIndex = `${base} CREATE INDEX t_a ON t (a);`;
const withTrigger = `${base} CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
  CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();`;
const partitioned = "CREATE TABLE p (k int) PARTITION BY LIST (k);";
const withPartition = `${partitioned} CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);`;
const withView = `${base} CREATE VIEW v AS SELECT id, a FROM t;`;
const withMatview = `${base} CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t; CREATE UNIQUE INDEX mv_id ON mv (id);`;
const withPolicy = `${base} CREATE POLICY t_own ON t USING (a > 0);`;
const withSequence = `${base} CREATE SEQUENCE s;`;

const AS = "AccessShareLock";
const RS = "RowShareLock";
const RX = "RowExclusiveLock";
const SUX = "ShareUpdateExclusiveLock";
const S = "ShareLock";
const SRX = "ShareRowExclusiveLock";
const X = "ExclusiveLock";
const AX = "AccessExclusiveLock";

const cases: LockCase[] = [
  // CREATE TABLE: the new table is nobody else's yet; the tables it points at are.
  { name: "CREATE TABLE with a foreign key", setup: base, sql: "CREATE TABLE c (id int, o_id int REFERENCES o)", expected: { o: SRX } },
  {
    name: "CREATE TABLE with a table FOREIGN KEY",
    setup: base,
    sql: "CREATE TABLE c (x int, FOREIGN KEY (x) REFERENCES o (id))",
    expected: { o: SRX },
  },
  { name: "CREATE TABLE PARTITION OF", setup: partitioned, sql: "CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2)", expected: { p: AX } },
  { name: "CREATE TABLE INHERITS", setup: base, sql: "CREATE TABLE child (c int) INHERITS (t)", expected: { t: SUX } },
  { name: "CREATE TABLE LIKE", setup: base, sql: "CREATE TABLE copy (LIKE t INCLUDING ALL)", expected: { t: AS } },
  { name: "CREATE TABLE AS", setup: base, sql: "CREATE TABLE n AS SELECT t.* FROM t JOIN o ON o.id = t.o_id", expected: { t: AS, o: AS } },
  {
    name: "CREATE SCHEMA with a table",
    setup: base,
    sql: "CREATE SCHEMA x CREATE TABLE y (o_id int REFERENCES public.o)",
    expected: { o: SRX },
  },
  // Indexes
  { name: "CREATE INDEX", setup: base, sql: "CREATE INDEX t_b ON t (b)", expected: { t: S } },
  {
    name: "CREATE INDEX CONCURRENTLY",
    setup: base,
    sql: "CREATE INDEX CONCURRENTLY t_b ON t (b)",
    expected: { t: SUX },
    blocker: "LOCK TABLE t IN ROW EXCLUSIVE MODE",
  },
  { name: "DROP INDEX", setup: withIndex, sql: "DROP INDEX t_a", expected: { t_a: AX } },
  {
    name: "DROP INDEX CONCURRENTLY",
    setup: withIndex,
    sql: "DROP INDEX CONCURRENTLY t_a",
    expected: { t_a: SUX },
    blocker: "LOCK TABLE t IN ACCESS SHARE MODE",
  },
  { name: "ALTER INDEX SET (fillfactor)", setup: withIndex, sql: "ALTER INDEX t_a SET (fillfactor = 80)", expected: { t_a: SUX } },
  { name: "ALTER INDEX RENAME", setup: withIndex, sql: "ALTER INDEX t_a RENAME TO t_a2", expected: { t_a: SUX } },
  { name: "REINDEX TABLE", setup: withIndex, sql: "REINDEX TABLE t", expected: { t: S } },
  { name: "REINDEX INDEX", setup: withIndex, sql: "REINDEX INDEX t_a", expected: { t_a: AX } },
  {
    name: "REINDEX TABLE CONCURRENTLY",
    setup: withIndex,
    sql: "REINDEX TABLE CONCURRENTLY t",
    expected: { t: SUX },
    blocker: "LOCK TABLE t IN ACCESS SHARE MODE",
  },
  {
    name: "REINDEX INDEX CONCURRENTLY",
    setup: withIndex,
    sql: "REINDEX INDEX CONCURRENTLY t_a",
    expected: { t_a: SUX },
    blocker: "LOCK TABLE t IN ACCESS SHARE MODE",
  },
  // ALTER TABLE, one subcommand at a time
  { name: "ADD COLUMN", setup: base, sql: "ALTER TABLE t ADD COLUMN c int", expected: { t: AX } },
  { name: "ADD COLUMN with a default", setup: base, sql: "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0", expected: { t: AX } },
  { name: "ADD COLUMN REFERENCES", setup: base, sql: "ALTER TABLE t ADD COLUMN o2 int REFERENCES o", expected: { t: AX, o: SRX } },
  { name: "DROP COLUMN", setup: base, sql: "ALTER TABLE t DROP COLUMN b", expected: { t: AX } },
  { name: "ALTER COLUMN TYPE", setup: base, sql: "ALTER TABLE t ALTER COLUMN a TYPE bigint", expected: { t: AX } },
  { name: "SET NOT NULL", setup: base, sql: "ALTER TABLE t ALTER COLUMN a SET NOT NULL", expected: { t: AX } },
  {
    name: "DROP NOT NULL",
    setup: `${base} ALTER TABLE t ALTER a SET NOT NULL;`,
    sql: "ALTER TABLE t ALTER COLUMN a DROP NOT NULL",
    expected: { t: AX },
  },
  { name: "SET DEFAULT", setup: base, sql: "ALTER TABLE t ALTER COLUMN a SET DEFAULT 1", expected: { t: AX } },
  { name: "DROP DEFAULT", setup: base, sql: "ALTER TABLE t ALTER COLUMN a DROP DEFAULT", expected: { t: AX } },
  { name: "SET STATISTICS", setup: base, sql: "ALTER TABLE t ALTER COLUMN a SET STATISTICS 500", expected: { t: SUX } },
  { name: "ALTER COLUMN SET (n_distinct)", setup: base, sql: "ALTER TABLE t ALTER COLUMN a SET (n_distinct = 100)", expected: { t: SUX } },
  { name: "SET STORAGE", setup: base, sql: "ALTER TABLE t ALTER COLUMN b SET STORAGE EXTERNAL", expected: { t: AX } },
  { name: "SET COMPRESSION", setup: base, sql: "ALTER TABLE t ALTER COLUMN b SET COMPRESSION pglz", expected: { t: AX } },
  {
    name: "ADD FOREIGN KEY",
    setup: base,
    sql: "ALTER TABLE t ADD CONSTRAINT t_o FOREIGN KEY (o_id) REFERENCES o",
    expected: { t: SRX, o: SRX },
  },
  {
    name: "ADD FOREIGN KEY NOT VALID",
    setup: base,
    sql: "ALTER TABLE t ADD CONSTRAINT t_o FOREIGN KEY (o_id) REFERENCES o NOT VALID",
    expected: { t: SRX, o: SRX },
  },
  { name: "ADD CHECK", setup: base, sql: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)", expected: { t: AX } },
  { name: "ADD CHECK NOT VALID", setup: base, sql: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID", expected: { t: AX } },
  { name: "ADD UNIQUE", setup: base, sql: "ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b)", expected: { t: AX } },
  { name: "ADD PRIMARY KEY", setup: "CREATE TABLE t (id int NOT NULL)", sql: "ALTER TABLE t ADD PRIMARY KEY (id)", expected: { t: AX } },
  {
    name: "ADD UNIQUE USING INDEX",
    setup: `${base} CREATE UNIQUE INDEX t_b_idx ON t (b);`,
    sql: "ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE USING INDEX t_b_idx",
    expected: { t: AX },
  },
  {
    name: "VALIDATE CONSTRAINT (check)",
    setup: `${base} ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID;`,
    sql: "ALTER TABLE t VALIDATE CONSTRAINT t_a_pos",
    expected: { t: SUX },
  },
  {
    name: "VALIDATE CONSTRAINT (foreign key)",
    setup: `${base} ALTER TABLE t ADD CONSTRAINT t_o FOREIGN KEY (o_id) REFERENCES o NOT VALID;`,
    sql: "ALTER TABLE t VALIDATE CONSTRAINT t_o",
    expected: { t: SUX },
  },
  {
    name: "DROP CONSTRAINT",
    setup: `${base} ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0);`,
    sql: "ALTER TABLE t DROP CONSTRAINT t_a_pos",
    expected: { t: AX },
  },
  { name: "ENABLE ROW LEVEL SECURITY", setup: base, sql: "ALTER TABLE t ENABLE ROW LEVEL SECURITY", expected: { t: AX } },
  { name: "DISABLE ROW LEVEL SECURITY", setup: base, sql: "ALTER TABLE t DISABLE ROW LEVEL SECURITY", expected: { t: AX } },
  { name: "FORCE ROW LEVEL SECURITY", setup: base, sql: "ALTER TABLE t FORCE ROW LEVEL SECURITY", expected: { t: AX } },
  { name: "DISABLE TRIGGER", setup: withTrigger, sql: "ALTER TABLE t DISABLE TRIGGER t_touch", expected: { t: SRX } },
  { name: "ENABLE TRIGGER", setup: withTrigger, sql: "ALTER TABLE t ENABLE TRIGGER t_touch", expected: { t: SRX } },
  { name: "DISABLE TRIGGER ALL", setup: withTrigger, sql: "ALTER TABLE t DISABLE TRIGGER ALL", expected: { t: SRX } },
  { name: "SET (fillfactor)", setup: base, sql: "ALTER TABLE t SET (fillfactor = 70)", expected: { t: SUX } },
  {
    name: "SET (autovacuum)",
    setup: base,
    sql: "ALTER TABLE t SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)",
    expected: { t: SUX },
  },
  { name: "RESET (fillfactor)", setup: base, sql: "ALTER TABLE t RESET (fillfactor)", expected: { t: SUX } },
  { name: "ALTER VIEW SET (security_barrier)", setup: withView, sql: "ALTER VIEW v SET (security_barrier = true)", expected: { v: AX } },
  { name: "OWNER TO", setup: base, sql: "ALTER TABLE t OWNER TO CURRENT_USER", expected: { t: AX } },
  { name: "CLUSTER ON", setup: base, sql: "ALTER TABLE t CLUSTER ON t_pkey", expected: { t: SUX } },
  { name: "REPLICA IDENTITY", setup: base, sql: "ALTER TABLE t REPLICA IDENTITY FULL", expected: { t: AX } },
  { name: "SET UNLOGGED", setup: "CREATE TABLE t (id int)", sql: "ALTER TABLE t SET UNLOGGED", expected: { t: AX } },
  {
    name: "INHERIT",
    setup: `${base} CREATE TABLE child (id int PRIMARY KEY, a int, b text, o_id int);`,
    sql: "ALTER TABLE child INHERIT t",
    expected: { child: AX, t: SUX },
  },
  {
    name: "NO INHERIT",
    setup: `${base} CREATE TABLE child () INHERITS (t);`,
    sql: "ALTER TABLE child NO INHERIT t",
    expected: { child: AX, t: AS },
  },
  {
    name: "ATTACH PARTITION",
    setup: `${partitioned} CREATE TABLE p1 (k int);`,
    sql: "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1)",
    expected: { p: SUX, p1: AX },
  },
  { name: "DETACH PARTITION", setup: withPartition, sql: "ALTER TABLE p DETACH PARTITION p1", expected: { p: AX, p1: AX } },
  {
    name: "DETACH PARTITION CONCURRENTLY",
    setup: withPartition,
    sql: "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY",
    expected: { p: SUX, p1: AX },
    blocker: "LOCK TABLE p1 IN ACCESS SHARE MODE",
  },
  {
    name: "ALTER INDEX ATTACH PARTITION",
    setup: `${withPartition} CREATE INDEX p_k ON ONLY p (k); CREATE INDEX p1_k ON p1 (k);`,
    sql: "ALTER INDEX p_k ATTACH PARTITION p1_k",
    expected: { p_k: SUX, p1_k: AX },
  },
  // ALTER TABLE with several subcommands takes the strongest
  {
    name: "SET STATISTICS + ENABLE TRIGGER",
    setup: withTrigger,
    sql: "ALTER TABLE t ALTER a SET STATISTICS 10, ENABLE TRIGGER t_touch",
    expected: { t: SRX },
  },
  { name: "SET (fillfactor) + ADD COLUMN", setup: base, sql: "ALTER TABLE t SET (fillfactor = 70), ADD COLUMN c int", expected: { t: AX } },
  {
    name: "VALIDATE + ADD FOREIGN KEY",
    setup: `${base} ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID;`,
    sql: "ALTER TABLE t VALIDATE CONSTRAINT t_a_pos, ADD FOREIGN KEY (o_id) REFERENCES o",
    expected: { t: SRX, o: SRX },
  },
  // Renames and schema moves
  { name: "RENAME TABLE", setup: base, sql: "ALTER TABLE t RENAME TO t2", expected: { t: AX } },
  { name: "RENAME COLUMN", setup: base, sql: "ALTER TABLE t RENAME COLUMN a TO a2", expected: { t: AX } },
  { name: "RENAME CONSTRAINT", setup: base, sql: "ALTER TABLE t RENAME CONSTRAINT t_pkey TO t_pk", expected: { t: AX } },
  { name: "ALTER TRIGGER RENAME", setup: withTrigger, sql: "ALTER TRIGGER t_touch ON t RENAME TO t_touch2", expected: { t: AX } },
  { name: "ALTER POLICY RENAME", setup: withPolicy, sql: "ALTER POLICY t_own ON t RENAME TO t_mine", expected: { t: AX } },
  { name: "SET SCHEMA", setup: `${base} CREATE SCHEMA other;`, sql: "ALTER TABLE t SET SCHEMA other", expected: { t: AX } },
  // Triggers, policies, rules
  {
    name: "CREATE TRIGGER",
    setup: withTrigger,
    sql: "CREATE TRIGGER t_touch2 BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch()",
    expected: { t: SRX },
  },
  {
    name: "CREATE OR REPLACE TRIGGER",
    setup: withTrigger,
    sql: "CREATE OR REPLACE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch()",
    expected: { t: SRX },
  },
  { name: "DROP TRIGGER", setup: withTrigger, sql: "DROP TRIGGER t_touch ON t", expected: { t: AX } },
  { name: "CREATE POLICY", setup: base, sql: "CREATE POLICY t_own ON t USING (o_id IN (SELECT id FROM o))", expected: { t: AX, o: AS } },
  { name: "ALTER POLICY", setup: withPolicy, sql: "ALTER POLICY t_own ON t USING (a > 1)", expected: { t: AX } },
  { name: "DROP POLICY", setup: withPolicy, sql: "DROP POLICY t_own ON t", expected: { t: AX } },
  { name: "CREATE RULE", setup: base, sql: "CREATE RULE t_nothing AS ON INSERT TO t DO INSTEAD NOTHING", expected: { t: AX } },
  // Dropping and emptying
  { name: "DROP TABLE", setup: base, sql: "DROP TABLE t", expected: { t: AX } },
  {
    name: "DROP TABLE referenced by nothing, two tables",
    setup: `${base} CREATE TABLE u (id int);`,
    sql: "DROP TABLE t, u",
    expected: { t: AX, u: AX },
  },
  { name: "DROP VIEW", setup: withView, sql: "DROP VIEW v", expected: { v: AX } },
  { name: "DROP MATERIALIZED VIEW", setup: withMatview, sql: "DROP MATERIALIZED VIEW mv", expected: { mv: AX } },
  { name: "DROP SEQUENCE", setup: withSequence, sql: "DROP SEQUENCE s", expected: { s: AX } },
  { name: "TRUNCATE", setup: base, sql: "TRUNCATE t", expected: { t: AX } },
  // Data
  { name: "INSERT", setup: base, sql: "INSERT INTO t (id) VALUES (1)", expected: { t: RX } },
  { name: "INSERT … SELECT", setup: base, sql: "INSERT INTO t (id) SELECT id FROM o", expected: { t: RX, o: AS } },
  {
    name: "INSERT … ON CONFLICT DO UPDATE",
    setup: base,
    sql: "INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2",
    expected: { t: RX },
  },
  { name: "UPDATE … FROM", setup: base, sql: "UPDATE t SET a = 1 FROM o WHERE o.id = t.o_id", expected: { t: RX, o: AS } },
  { name: "UPDATE with a subquery", setup: base, sql: "UPDATE t SET a = (SELECT count(*) FROM o)", expected: { t: RX, o: AS } },
  { name: "DELETE … USING", setup: base, sql: "DELETE FROM t USING o WHERE o.id = t.o_id", expected: { t: RX, o: AS } },
  { name: "DELETE with IN (SELECT)", setup: base, sql: "DELETE FROM t WHERE o_id IN (SELECT id FROM o)", expected: { t: RX, o: AS } },
  {
    name: "MERGE",
    setup: base,
    sql: "MERGE INTO t USING o ON t.id = o.id WHEN NOT MATCHED THEN INSERT (id) VALUES (o.id)",
    expected: { t: RX, o: AS },
  },
  {
    name: "data-modifying CTE",
    setup: base,
    sql: "WITH gone AS (DELETE FROM o RETURNING id) INSERT INTO t (id) SELECT id FROM gone",
    expected: { o: RX, t: RX },
  },
  { name: "SELECT", setup: base, sql: "SELECT * FROM t JOIN o ON o.id = t.o_id", expected: { t: AS, o: AS } },
  { name: "SELECT FOR UPDATE", setup: base, sql: "SELECT * FROM t WHERE id = 1 FOR UPDATE", expected: { t: RS } },
  { name: "SELECT FOR SHARE OF", setup: base, sql: "SELECT * FROM t x JOIN o ON o.id = x.o_id FOR SHARE OF x", expected: { t: RS, o: AS } },
  { name: "SELECT INTO", setup: base, sql: "SELECT * INTO n FROM t", expected: { t: AS } },
  { name: "COPY FROM", setup: base, sql: "COPY t FROM '/dev/null'", expected: { t: RX } },
  { name: "COPY TO", setup: base, sql: "COPY t TO '/dev/null'", expected: { t: AS } },
  { name: "EXPLAIN UPDATE", setup: base, sql: "EXPLAIN UPDATE t SET a = 1", expected: { t: RX } },
  // Views
  { name: "CREATE VIEW", setup: base, sql: "CREATE VIEW w AS SELECT t.id FROM t JOIN o ON o.id = t.o_id", expected: { t: AS, o: AS } },
  {
    name: "CREATE OR REPLACE VIEW",
    setup: withView,
    sql: "CREATE OR REPLACE VIEW v AS SELECT id, a, b FROM t",
    expected: { v: AX, t: AS },
  },
  { name: "CREATE MATERIALIZED VIEW", setup: base, sql: "CREATE MATERIALIZED VIEW w AS SELECT id FROM t", expected: { t: AS } },
  { name: "REFRESH MATERIALIZED VIEW", setup: withMatview, sql: "REFRESH MATERIALIZED VIEW mv", expected: { mv: AX } },
  {
    name: "REFRESH MATERIALIZED VIEW CONCURRENTLY",
    setup: withMatview,
    sql: "REFRESH MATERIALIZED VIEW CONCURRENTLY mv",
    expected: { mv: X },
  },
  // Maintenance
  { name: "VACUUM", setup: base, sql: "VACUUM t", expected: { t: SUX }, blocker: "LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE" },
  // VACUUM of several tables takes each table's lock in a transaction of its own, one after the other.
  {
    name: "VACUUM (ANALYZE)",
    setup: base,
    sql: "VACUUM (ANALYZE) t",
    expected: { t: SUX },
    blocker: "LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE",
  },
  { name: "VACUUM FULL", setup: base, sql: "VACUUM FULL t", expected: { t: AX }, blocker: "LOCK TABLE t IN ACCESS SHARE MODE" },
  { name: "ANALYZE", setup: base, sql: "ANALYZE t", expected: { t: SUX } },
  { name: "CLUSTER", setup: base, sql: "CLUSTER t USING t_pkey", expected: { t: AX } },
  // Explicit locks, comments, privileges, sequences, statistics, publications
  { name: "LOCK TABLE", setup: base, sql: "LOCK TABLE t", expected: { t: AX } },
  {
    name: "LOCK TABLE IN SHARE ROW EXCLUSIVE MODE",
    setup: base,
    sql: "LOCK TABLE t, o IN SHARE ROW EXCLUSIVE MODE",
    expected: { t: SRX, o: SRX },
  },
  { name: "LOCK TABLE IN ROW SHARE MODE", setup: base, sql: "LOCK TABLE t IN ROW SHARE MODE", expected: { t: RS } },
  { name: "COMMENT ON TABLE", setup: base, sql: "COMMENT ON TABLE t IS 'things'", expected: { t: SUX } },
  { name: "COMMENT ON COLUMN", setup: base, sql: "COMMENT ON COLUMN t.a IS 'a thing'", expected: { t: SUX } },
  { name: "COMMENT ON INDEX", setup: withIndex, sql: "COMMENT ON INDEX t_a IS 'by a'", expected: { t_a: SUX } },
  { name: "COMMENT ON CONSTRAINT", setup: base, sql: "COMMENT ON CONSTRAINT t_pkey ON t IS 'key'", expected: { t: AS } },
  { name: "COMMENT ON TRIGGER", setup: withTrigger, sql: "COMMENT ON TRIGGER t_touch ON t IS 'touch'", expected: { t: AS } },
  { name: "GRANT", setup: base, sql: "GRANT SELECT, UPDATE ON t TO PUBLIC", expected: {}, unlocked: ["public.t"] },
  { name: "REVOKE", setup: base, sql: "REVOKE ALL ON TABLE t FROM PUBLIC", expected: {}, unlocked: ["public.t"] },
  { name: "ALTER SEQUENCE", setup: withSequence, sql: "ALTER SEQUENCE s RESTART WITH 10", expected: { s: SRX } },
  { name: "CREATE SEQUENCE OWNED BY", setup: base, sql: "CREATE SEQUENCE s2 OWNED BY t.id", expected: { t: AS } },
  { name: "ALTER SEQUENCE OWNED BY", setup: withSequence, sql: "ALTER SEQUENCE s OWNED BY t.id", expected: { s: SRX, t: AS } },
  { name: "ALTER SEQUENCE RENAME", setup: withSequence, sql: "ALTER SEQUENCE s RENAME TO s2", expected: { s: AX } },
  { name: "CREATE STATISTICS", setup: base, sql: "CREATE STATISTICS t_ab ON a, b FROM t", expected: { t: SUX } },
  { name: "CREATE PUBLICATION", setup: base, sql: "CREATE PUBLICATION pub FOR TABLE t, o", expected: { t: SUX, o: SUX } },
];

const qualify = (schema: string | undefined, name: string): string => `${schema ?? "public"}.${name}`;

describe.concurrent("predictLocks against pg_locks", () => {
  it.each(cases)("$name", async (lockCase) => {
    const db = await createTestDatabase("drydock_locks");
    try {
      const [statement] = (await parseSql("case.sql", lockCase.sql)).statements;
      const predicted = predictLocks(statement?.node ?? {}, qualify, (await readServerVersion(db.engine)).major);
      const expected = Object.fromEntries(
        Object.entries(lockCase.expected).map(([name, mode]) => [name.includes(".") ? name : `public.${name}`, mode]),
      );
      expect(Object.fromEntries(predicted.map((lock) => [lock.relation, lock.mode]))).toEqual(expected);

      await db.exec(lockCase.setup);
      const names = await relationNames(db.engine);
      const held = lockCase.blocker
        ? await observeBlocked(db, lockCase.sql, lockCase.blocker)
        : await observeInTransaction(db.engine, lockCase.sql);
      const strongest = new Map<string, LockMode>();
      for (const lock of held) {
        const name = names.get(lock.oid) ?? lock.name;
        if (name === null) continue;
        const before = strongest.get(name);
        if (!before || lockModes.indexOf(lock.mode) > lockModes.indexOf(before)) strongest.set(name, lock.mode);
      }
      for (const { relation, mode } of predicted) {
        expect(strongest.get(relation), `${relation}: observed ${strongest.get(relation)}, predicted ${mode}`).toBe(mode);
      }
      for (const relation of lockCase.unlocked ?? []) expect(strongest.get(relation)).toBeUndefined();
    } finally {
      await db.drop();
    }
  });
});

describe("a DO block's locks against pg_locks", () => {
  it("takes the locks of the statements it runs, the strongest per table, and none of the SQL it builds as text", async () => {
    const db = await createTestDatabase("drydock_locks");
    try {
      const sql = `DO $$
        BEGIN
          IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'a') THEN
            ALTER TABLE t RENAME COLUMN a TO a2;
          END IF;
          UPDATE o SET id = id;
          CREATE INDEX o_id ON o (id);
          EXECUTE 'LOCK TABLE t2';
        END $$;`;
      const [statement] = (await parseSql("do.sql", sql)).statements;
      if (!statement) throw new Error("no statement parsed");
      const predicted = analyzeStatement(statement, new NameResolver(["public"])).locks;
      expect(Object.fromEntries(predicted.map((lock) => [lock.relation, lock.mode]))).toEqual({
        "information_schema.columns": AS,
        "public.t": AX,
        "public.o": S,
      });

      await db.exec(`${base} CREATE TABLE t2 (id int);`);
      const names = await relationNames(db.engine);
      const held = await observeInTransaction(db.engine, sql);
      const strongest = new Map<string, LockMode>();
      for (const lock of held) {
        const name = names.get(lock.oid);
        if (!name) continue;
        const before = strongest.get(name);
        if (!before || lockModes.indexOf(lock.mode) > lockModes.indexOf(before)) strongest.set(name, lock.mode);
      }
      expect(strongest.get("public.t")).toBe(AX);
      expect(strongest.get("public.o")).toBe(S);
      // The EXECUTEd text is not analysed: PostgreSQL takes its lock, the plan cannot tell.
      expect(strongest.get("public.t2")).toBe(AX);
      expect(predicted.some((lock) => lock.relation === "public.t2")).toBe(false);
    } finally {
      await db.drop();
    }
  });
});

interface HeldLock {
  oid: string;
  /** Schema-qualified name as the watching session sees it: null once dropped. */
  name: string | null;
  mode: LockMode;
  granted: boolean;
}

const locksOf = `
  SELECT l.relation::text AS oid, l.mode, l.granted,
         (SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = l.relation) AS name
  FROM pg_locks l
  WHERE l.pid = $1 AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * Names of the relations that exist before the statement runs: a statement that drops, renames
 * or moves a relation makes its pg_class row say something else (or nothing) afterwards.
 */
async function relationNames(engine: Engine): Promise<Map<string, string>> {
  const rows = await engine.query<{ oid: string; name: string }>(
    `SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
  );
  return new Map(rows.map((row) => [row.oid, row.name]));
}

async function observeInTransaction(engine: Engine, sql: string): Promise<HeldLock[]> {
  await engine.exec("BEGIN");
  try {
    await engine.exec(sql);
    return await engine.query<HeldLock>(locksOf.replace("$1", "pg_backend_pid()"));
  } finally {
    await engine.exec("ROLLBACK");
  }
}

/** Runs `sql` in its own session while a third holds `blocker`, and reads its locks while it waits. */
async function observeBlocked(db: TestDatabase, sql: string, blocker: string): Promise<HeldLock[]> {
  const holder = await openEngine(parseTargetUrl(db.url), { applicationName: "drydock lock holder" });
  const runner = await openEngine(parseTargetUrl(db.url), { applicationName: "drydock lock runner" });
  try {
    await holder.exec(`BEGIN; ${blocker}`);
    const [row] = await runner.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const running = runner.exec(sql).then(
      () => null,
      (error: unknown) => error,
    );
    const seen: HeldLock[] = [];
    const deadline = Date.now() + 15_000;
    for (;;) {
      seen.push(...(await db.query<HeldLock>(locksOf, [row?.pid])));
      const [waiting] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted", [row?.pid]);
      if (waiting?.n) break;
      if (Date.now() > deadline) throw new Error(`${sql} never waited for the blocker (${blocker})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    seen.push(...(await db.query<HeldLock>(locksOf, [row?.pid])));
    await holder.exec("ROLLBACK");
    const error = await running;
    if (error) throw error;
    return seen;
  } finally {
    await holder.close();
    await runner.close();
  }
}
