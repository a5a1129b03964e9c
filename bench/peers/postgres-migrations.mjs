#!/usr/bin/env node
// Applies a folder of migrations with postgres-migrations' documented API:
//   node bench/peers/postgres-migrations.mjs <database url> <migrations dir>
// Uses one pg.Client (the "pass a client" form of migrate()); each migration runs in its own
// transaction and is recorded with its hash in the `migrations` table, under an advisory lock.
import pg from "pg";
import { migrate } from "postgres-migrations";

const [url, dir] = process.argv.slice(2);
if (!url || !dir) {
  console.error("usage: node bench/peers/postgres-migrations.mjs <database url> <migrations dir>");
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const applied = await migrate({ client }, dir);
  if (process.env.BENCH_VERBOSE) console.log(`postgres-migrations applied ${applied.length} migrations`);
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exitCode = 1;
} finally {
  await client.end();
}
