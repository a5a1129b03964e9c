import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import type { Snapshot } from "../model/snapshot.js";
import { generateTypes } from "../typegen/generate-types.js";
import { parseSchemaSource, readSchemaSource } from "./schema-source.js";
import { snapshot } from "./snapshot.js";

/** Where `types` reads the schema, and which schemas it types. `env` and `url` choose the target. */
export interface TypesOptions extends TargetChoice {
  /**
   * Where the schema comes from instead of the target: `migrations` (replayed into an embedded
   * database), a snapshot file written by `drydock snapshot --output`, a URL or an environment.
   */
  from?: string;
  /**
   * The schemas to type (default: `project.schemas`). A database or the migrations are read for
   * exactly these; a snapshot file must hold them.
   */
  schemas?: readonly string[];
}

/** Where the types were read from; URLs without their password. */
export type TypesSource =
  | { kind: "database"; url: string; env: string }
  | { kind: "migrations"; dir: string }
  | { kind: "snapshot"; file: string };

/** What `types` made; `drydock types --json` prints it. */
export interface TypesResult {
  source: TypesSource;
  /** The schemas typed, sorted: the keys of `Database`. */
  schemas: string[];
  /** The generated TypeScript file. */
  typescript: string;
}

/**
 * TypeScript types of a schema (SPEC §4 `types`), in the shape `supabase gen types typescript`
 * writes (docs/types.md): read from the target (`--env`, `--url`, `DATABASE_URL`), or from
 * `from`. Reads only; the migrations are replayed in an embedded database, never on a server.
 */
export async function types(project: Project, options: TypesOptions = {}): Promise<TypesResult> {
  if (options.from !== undefined && (options.env !== undefined || options.url !== undefined)) {
    throw new InputError("types got two sources: --from and --env/--url", {
      hint: "Drop --from to read the target, or drop --env and --url to read the --from source.",
    });
  }
  const wanted = options.schemas && options.schemas.length > 0 ? [...new Set(options.schemas)] : null;
  const reading = wanted ? withSchemas(project, wanted) : project;
  const { source, read } = await readSource(reading, options);
  const present = new Set(read.schemas.map((schema) => schema.name));
  const missing = (wanted ?? []).filter((schema) => !present.has(schema));
  if (missing.length > 0) {
    throw new InputError(`no schema ${missing.map((name) => `"${name}"`).join(", ")} in ${describeSource(source)}`, {
      hint:
        present.size > 0
          ? `Schemas there: ${[...present].sort().join(", ")}. Check --schema (names are case-sensitive).`
          : "Check --schema (names are case-sensitive), and that the migrations or the database create the schema.",
    });
  }
  const schemas = (wanted ?? [...present]).sort();
  return { source, schemas, typescript: generateTypes(read, { schemas }) };
}

/** A one-line name of a source, for messages: `migrations`, the file, or the redacted URL. */
export function describeSource(source: TypesSource): string {
  switch (source.kind) {
    case "database":
      return source.url;
    case "migrations":
      return "the migrations";
    case "snapshot":
      return source.file;
  }
}

async function readSource(project: Project, options: TypesOptions): Promise<{ source: TypesSource; read: Snapshot }> {
  if (options.from === undefined) return readDatabase(project, options);
  const source = parseSchemaSource(project, options.from, "types --from");
  switch (source.kind) {
    case "database":
      return readDatabase(project, source.choice);
    case "migrations":
      return { source: { kind: "migrations", dir: project.migrationsDir }, read: await readSchemaSource(project, source) };
    case "snapshot":
      return { source: { kind: "snapshot", file: source.file }, read: await readSchemaSource(project, source) };
  }
}

async function readDatabase(project: Project, choice: TargetChoice): Promise<{ source: TypesSource; read: Snapshot }> {
  if (choice.env === undefined && choice.url === undefined && !project.environment.DATABASE_URL) {
    throw new InputError("types has no schema to read", {
      hint: "Pass --from migrations (or a snapshot file), --url postgres://…, --env NAME from drydock.toml, or set DATABASE_URL.",
    });
  }
  const { target, envName } = resolveTarget(project, choice);
  return { source: { kind: "database", url: target.urlRedacted, env: envName }, read: await snapshot(project, choice) };
}

/** The project with other schemas to read: the snapshot reads `project.schemas`. */
function withSchemas(project: Project, schemas: readonly string[]): Project {
  return { ...project, config: { ...project.config, project: { ...project.config.project, schemas: [...schemas] } } };
}
