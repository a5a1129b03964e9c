import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputError } from "../errors/drydock-error.js";

export interface InitResult {
  config_file: string;
  migrations: string;
  /** The existing tool layout that was found, if any ("supabase", "prisma", …). */
  detected: string | null;
  created_migrations_dir: boolean;
  /**
   * The tools whose history `drydock adopt --from` can import for the layout found: a database
   * they migrated needs its history adopted before drydock's first apply, or apply would run
   * those migrations again.
   */
  adopt_from: string[];
}

/** Existing layouts of other tools, most specific first. */
const knownLayouts: Array<{ tool: string; path: string; adoptFrom: string[] }> = [
  { tool: "supabase", path: "supabase/migrations", adoptFrom: ["supabase"] },
  { tool: "prisma", path: "prisma/migrations", adoptFrom: ["prisma"] },
  { tool: "db/migrations", path: "db/migrations", adoptFrom: ["dbmate", "golang-migrate"] },
  { tool: "flyway", path: "sql", adoptFrom: ["flyway"] },
  { tool: "migrations", path: "migrations", adoptFrom: [] },
];

/**
 * Writes drydock.toml (and `migrations/` when no migrations folder exists). An existing
 * `supabase/migrations`, `prisma/migrations`, `db/migrations` or Flyway `sql/` folder is kept
 * and the config points at it. Refuses to overwrite an existing drydock.toml.
 */
export async function initProject(dir: string): Promise<InitResult> {
  const root = resolve(dir);
  const configFile = join(root, "drydock.toml");
  if (existsSync(configFile)) {
    throw new InputError(`${configFile} already exists`, { hint: "Edit it, or remove it and run drydock init again." });
  }
  let detected: string | null = null;
  let migrations = "migrations";
  let adoptFrom: string[] = [];
  for (const layout of knownLayouts) {
    const path = join(root, layout.path);
    if (existsSync(path) && (layout.tool !== "flyway" || (await hasFlywayFiles(path)))) {
      detected = layout.tool === "migrations" ? null : layout.tool;
      migrations = layout.path;
      adoptFrom = layout.adoptFrom;
      break;
    }
  }
  const migrationsDir = join(root, migrations);
  const created = !existsSync(migrationsDir);
  if (created) await mkdir(migrationsDir, { recursive: true });
  const preset = detected === "supabase" ? 'preset = "supabase"\n' : "";
  await writeFile(configFile, configTemplate(migrations, preset), "utf8");
  return { config_file: configFile, migrations, detected, created_migrations_dir: created, adopt_from: adoptFrom };
}

async function hasFlywayFiles(path: string): Promise<boolean> {
  return (await readdir(path)).some((name) => /^[VUR]\d*__.+\.sql$/i.test(name) || /^R__.+\.sql$/i.test(name));
}

function configTemplate(migrations: string, preset: string): string {
  return `# drydock configuration: every key is optional. Reference: docs/configuration.md
[project]
migrations = "${migrations}"
format = "auto"
schemas = ["public"]
${preset}
# An environment per database; \${VAR} is read from the environment or .env.
# [env.staging]
# url = "\${STAGING_DATABASE_URL}"

[apply]
lock_timeout = "3s"      # each migration gives up waiting for a lock after this long…
lock_retries = 5         # …and is tried again this many times, with growing pauses
lock_wait = "60s"        # how long a second apply waits for the first one to finish
statement_timeout = "0"  # no limit
`;
}
