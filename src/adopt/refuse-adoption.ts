import { InputError } from "../errors/drydock-error.js";
import { plural } from "../util/plural.js";
import type { HistoryMatch } from "./match-history.js";
import type { AdoptTool, ToolHistoryEntry, UncleanEntry } from "./tool-history.js";

/** How many items a message lists before "and N more". */
const listed = 10;

/**
 * Refuses a tool history with entries the tool itself would not go past: a failed Flyway
 * migration, a failed or rolled-back Prisma migration, a dirty golang-migrate version. drydock
 * cannot know how much of such a migration is in the database, so the tool must settle it first.
 */
export function refuseUncleanEntries(tool: AdoptTool, table: string, unclean: readonly UncleanEntry[]): void {
  if (unclean.length === 0) return;
  const states = [...new Set(unclean.map((entry) => entry.state))].join(" or ");
  throw new InputError(
    `${table} has ${plural(unclean.length, "migration")} that did not finish cleanly (${states}): ${list(unclean.map((entry) => entry.detail))}`,
    { hint: `${uncleanHint(tool, unclean)} Then run drydock adopt again; nothing was recorded.` },
  );
}

/**
 * Refuses an adoption whose history does not fit the files: applied migrations without a file,
 * files edited since the tool applied them, or drydock records that disagree with the files.
 * Recording any of them would make drydock's history claim what the database does not hold.
 */
export function refuseMismatches(tool: AdoptTool, table: string, match: HistoryMatch, migrationsFolder: string): void {
  if (match.missingFiles.length > 0) {
    throw new InputError(
      `${plural(match.missingFiles.length, "migration")} that ${tool} applied (${table}) ${match.missingFiles.length === 1 ? "has" : "have"} no file in ${migrationsFolder}: ${list(match.missingFiles.map(describeEntry))}`,
      {
        hint:
          `drydock adopt needs the file of every applied migration. Point drydock at the project that holds them (--dir <project root>, ` +
          "or project.migrations in drydock.toml), or restore the missing files from version control. Nothing was recorded.",
      },
    );
  }
  if (match.edited.length > 0) {
    const files = match.edited.map(({ migration }) => `${migration.version} (${migration.up.file})`);
    const what =
      match.edited.length === 1
        ? `migration ${files[0]} changed since ${tool} applied it`
        : `${match.edited.length} migrations changed since ${tool} applied them: ${list(files)}`;
    throw new InputError(what, {
      hint:
        tool === "flyway"
          ? "Their checksums differ from flyway_schema_history's. Restore the files as applied (see git log -p), or, if the edits change nothing that ran, accept them with `flyway repair`; then adopt again. Nothing was recorded."
          : `Their checksums differ from the ones ${tool} recorded. Restore the files as applied (see git log -p) and put the changes in a new migration; then adopt again. Nothing was recorded.`,
    });
  }
  if (match.conflicts.length > 0) {
    const [first] = match.conflicts;
    throw new InputError(
      `drydock.migrations already records ${list(match.conflicts.map(({ migration }) => migration.version))} with another checksum than the file`,
      {
        hint: `drydock status shows ${match.conflicts.length === 1 ? "it" : "them"} as changed. Restore the file, or accept the edit with drydock repair --accept-checksum ${first?.migration.version}; then adopt again. Nothing was recorded.`,
      },
    );
  }
}

function uncleanHint(tool: AdoptTool, unclean: readonly UncleanEntry[]): string {
  const [first] = unclean;
  const key = first?.key ?? "<version>";
  switch (tool) {
    case "flyway":
      return "Settle it with Flyway first: finish or undo the failed migration's changes by hand, then `flyway repair` removes the failed row (and `flyway migrate` runs it again if it is still needed).";
    case "prisma":
      return unclean.some((entry) => entry.state === "failed")
        ? `Settle it with Prisma first: undo its partial changes and run \`npx prisma migrate resolve --rolled-back ${key}\`, or finish them by hand and run \`npx prisma migrate resolve --applied ${key}\`.`
        : `Prisma would run it again on the next \`npx prisma migrate deploy\`: run that first (or delete the migration folder if it is abandoned).`;
    case "golang-migrate":
      return `Settle it with golang-migrate first: fix the database by hand, then \`migrate force ${key}\` if migration ${key} is now complete, or \`migrate force <the version before it>\` if you undid it.`;
    default:
      return `Settle it with ${tool} first.`;
  }
}

function describeEntry(entry: ToolHistoryEntry): string {
  return entry.label ? `${entry.key} (${entry.label})` : entry.key;
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, listed).join(", ");
  return items.length > listed ? `${shown} and ${items.length - listed} more` : shown;
}
