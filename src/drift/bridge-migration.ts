import { generateDiffSql } from "../diff/generate-diff-sql.js";
import type { Snapshot } from "../model/snapshot.js";
import { schemaAfterSafeDiff } from "./schema-after-safe-diff.js";

export interface BridgeMigrationOptions {
  /** The schema the bridge is applied to: the migrations' schema, or the other database's. */
  from: Snapshot;
  /** The schema it leads to: the drifted database's. */
  to: Snapshot;
  /** Keep the destructive statements (drops); by default they are left out, as comments. */
  allowDestructive: boolean;
  /** What the file says first: what it reconciles, and what to do with it. One line each, without `--`. */
  header: readonly string[];
}

/** The SQL of a bridge migration, ready to be written in the project's format. */
export interface BridgeMigration {
  /** The up script: the header, the statements, and the destructive ones left out, as comments. */
  up: string;
  /** The down script, which undoes exactly what the up does; null when there is nothing to undo. */
  down: string | null;
  /** The statements the up runs. */
  statements: string[];
  /** The destructive statements left out of the up (only without `allowDestructive`). */
  left_out: string[];
}

const isDestructive = (statement: string): boolean => statement.startsWith("-- destructive:");

/**
 * A bridge migration (`drydock drift --write-bridge`): the SQL that turns `from` into `to`,
 * without the destructive statements unless `allowDestructive` (they stay in the file as
 * comments, so a reader sees what the bridge does not reconcile), and a down that turns the
 * result back into `from`: from `to` itself, or, when drops were left out, from `to` with the
 * objects they would have dropped (`schemaAfterSafeDiff`). Returns null when the up would run
 * nothing. Pure: the SQL comes from `generateDiffSql`.
 */
export function bridgeMigration(options: BridgeMigrationOptions): BridgeMigration | null {
  const { from, to } = options;
  const all = generateDiffSql(from, to);
  const statements = options.allowDestructive ? all : all.filter((statement) => !isDestructive(statement));
  const leftOut = options.allowDestructive ? [] : all.filter(isDestructive);
  if (statements.length === 0) return null;
  const reached = leftOut.length > 0 ? schemaAfterSafeDiff(from, to) : to;
  const back = generateDiffSql(reached, from);
  const header = options.header.map((line) => commentLine(line)).join("\n");
  const parts = [header, statements.join("\n\n")];
  if (leftOut.length > 0) {
    const commented = leftOut.map((statement) => statement.split("\n").map(commentLine).join("\n"));
    parts.push(
      [
        "-- Left out: destructive statements. Run drift again with --allow-destructive to include them,",
        "-- or write them in a migration of their own.",
        ...commented,
      ].join("\n"),
    );
  }
  return {
    up: `${parts.join("\n\n")}\n`,
    down: back.length > 0 ? `${commentLine("Undoes the bridge: back to the schema it was applied to.")}\n\n${back.join("\n\n")}\n` : null,
    statements,
    left_out: leftOut,
  };
}

function commentLine(line: string): string {
  return line === "" ? "--" : `-- ${line}`;
}
