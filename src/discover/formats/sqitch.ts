import path from "node:path";
import { InputError } from "../../errors/drydock-error.js";
import type { Migration } from "../../model/migration.js";
import { duplicateVersionError } from "../discover-errors.js";
import { createScript, type FormatContext, fileExists } from "../format-context.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";

/** One change of `sqitch.plan`, resolved to its scripts. */
export interface SqitchChange {
  /** The change name, or `name@tag` for an earlier instance of a reworked change. */
  version: string;
  name: string;
  /** Changes this one requires (`[a b]`), as written; may be tag-qualified or `project:change`. */
  requires: string[];
  /** Changes it conflicts with (`[!c]`), without the `!`. */
  conflicts: string[];
  deployPath: string;
  revertPath: string;
  /** 1-based line of the change in sqitch.plan. */
  line: number;
}

interface PlanEntry {
  name: string;
  requires: string[];
  conflicts: string[];
  tags: string[];
  reworkTags: string[];
  line: number;
}

/**
 * Sqitch projects (https://sqitch.org/docs/manual/sqitch-changes/): the order is the change order
 * of `sqitch.plan`; each change runs `deploy/<change>.sql` and reverts with
 * `revert/<change>.sql` (down is `null` when that file is missing). `verify/` scripts are not
 * migrations. A reworked change's earlier instances use `deploy/<change>@<tag>.sql`, the tag
 * chosen as Sqitch does; `version` is the change name, with `@<tag>` for those earlier
 * instances. `sqitch.conf` is not read: the plan and the three folders must sit in the
 * migrations folder with the `.sql` extension, Sqitch's defaults.
 */
export async function readSqitchMigrations(context: FormatContext): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const change of await readSqitchPlan(context.migrationsDir, context.projectRoot)) {
    if (!(await fileExists(change.deployPath))) {
      const planFile = relativeFile(context.projectRoot, path.join(context.migrationsDir, "sqitch.plan"));
      throw new InputError(
        `change ${change.version} (${planFile}:${change.line}) has no deploy script ${relativeFile(context.projectRoot, change.deployPath)}`,
        { hint: "Restore the deploy script, or remove the change from sqitch.plan if it was never deployed." },
      );
    }
    const { variables } = context;
    const deploy = await readMigrationFile(change.deployPath, context.projectRoot, context.preloaded);
    const revert = (await fileExists(change.revertPath))
      ? await readMigrationFile(change.revertPath, context.projectRoot, context.preloaded)
      : null;
    migrations.push({
      version: change.version,
      name: change.name,
      kind: "versioned",
      format: "sqitch",
      up: createScript({ file: deploy.file, sql: deploy.source, variables }),
      down: revert ? createScript({ file: revert.file, sql: revert.source, variables }) : null,
      checksum: deploy.checksum,
    });
  }
  return migrations;
}

/**
 * The `[requires]` of every change in `sqitch.plan`, keyed by migration version (see
 * {@link readSqitchMigrations}). The plan/dependency stage can treat them like
 * `-- drydock:requires`; discovery itself keeps only the plan order.
 */
export async function readSqitchRequires(migrationsDir: string, projectRoot: string): Promise<Map<string, string[]>> {
  const changes = await readSqitchPlan(migrationsDir, projectRoot);
  return new Map(changes.map((change) => [change.version, change.requires]));
}

/** Parses `sqitch.plan` and resolves each change's scripts, rework tags included. */
export async function readSqitchPlan(migrationsDir: string, projectRoot: string): Promise<SqitchChange[]> {
  const planPath = path.join(migrationsDir, "sqitch.plan");
  const planFile = relativeFile(projectRoot, planPath);
  if (!(await fileExists(planPath))) {
    throw new InputError(`Sqitch plan ${planFile} does not exist`, {
      hint: "Point project.migrations at the folder that holds sqitch.plan, or set project.format.",
    });
  }
  const text = await readMigrationFile(planPath, projectRoot);
  const entries = parsePlan(text.source, planFile);
  const changes: SqitchChange[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    // The script name is the version: "update_acl" or, for an earlier instance, "update_acl@1.2.0".
    const version = await chooseScriptName(migrationsDir, entry);
    const previous = seen.get(version);
    if (previous) throw duplicateVersionError({ version, file: previous }, { version, file: `${planFile}:${entry.line}` });
    seen.set(version, `${planFile}:${entry.line}`);
    changes.push({
      version,
      name: entry.name,
      requires: entry.requires,
      conflicts: entry.conflicts,
      deployPath: path.join(migrationsDir, "deploy", `${version}.sql`),
      revertPath: path.join(migrationsDir, "revert", `${version}.sql`),
      line: entry.line,
    });
  }
  return changes;
}

function parsePlan(source: string, planFile: string): PlanEntry[] {
  const entries: PlanEntry[] = [];
  const lastIndexOf = new Map<string, number>();
  source.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    if (line === "" || line.startsWith("#") || line.startsWith("%")) return;
    if (line.startsWith("@")) {
      const tag = (line.split(/\s+/)[0] ?? "").slice(1);
      const last = entries[entries.length - 1];
      if (!last) throw planError(planFile, lineNumber, `tag @${tag} comes before any change`);
      last.tags.push(tag);
      return;
    }
    const match = /^([+-]?)([^\s[#]+)(?:\s+\[([^\]]*)\])?/.exec(line);
    if (!match) throw planError(planFile, lineNumber, `cannot read "${line}"`);
    if (match[1] === "-") throw planError(planFile, lineNumber, `revert entries ("-${match[2]}") are not supported`);
    const name = match[2] ?? "";
    const dependencies = (match[3] ?? "").split(/\s+/).filter(Boolean);
    const entry: PlanEntry = {
      name,
      requires: dependencies.filter((dependency) => !dependency.startsWith("!")),
      conflicts: dependencies.filter((dependency) => dependency.startsWith("!")).map((dependency) => dependency.slice(1)),
      tags: [],
      reworkTags: [],
      line: lineNumber,
    };
    const earlier = lastIndexOf.get(name);
    if (earlier !== undefined) {
      // Sqitch (App::Sqitch::Plan): the earlier instance's rework tags are the tags of the changes
      // in between, latest change first, then its own tags.
      const between = entries.slice(earlier + 1).reverse();
      const previous = entries[earlier] as PlanEntry;
      previous.reworkTags = [...between.flatMap((change) => change.tags), ...previous.tags];
      if (previous.reworkTags.length === 0) {
        throw planError(planFile, lineNumber, `change ${name} is reworked without a tag since line ${previous.line}`);
      }
    }
    lastIndexOf.set(name, entries.length);
    entries.push(entry);
  });
  return entries;
}

/** Sqitch's `path_segments`: the first rework tag whose deploy script exists, else the first one. */
async function chooseScriptName(migrationsDir: string, entry: PlanEntry): Promise<string> {
  if (entry.reworkTags.length === 0) return entry.name;
  for (const tag of entry.reworkTags) {
    const candidate = `${entry.name}@${tag}`;
    if (await fileExists(path.join(migrationsDir, "deploy", `${candidate}.sql`))) return candidate;
  }
  return `${entry.name}@${entry.reworkTags[0]}`;
}

function planError(planFile: string, line: number, problem: string): InputError {
  return new InputError(`${planFile}:${line}: ${problem}`, {
    hint: "Fix sqitch.plan (see sqitch-changes and sqitch-rework in the Sqitch manual).",
    location: { file: planFile, line, column: 1 },
  });
}
