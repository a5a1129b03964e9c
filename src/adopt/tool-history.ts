import { InputError } from "../errors/drydock-error.js";

/** The migration tools whose history `drydock adopt --from <tool>` reads (SPEC §4). */
export const adoptTools = ["supabase", "flyway", "dbmate", "golang-migrate", "prisma", "node-pg-migrate"] as const;

export type AdoptTool = (typeof adoptTools)[number];

/**
 * How a tool names the migrations it applied, and so how its entries pair with files: by version
 * (compared as versions: "0007" is 7), by Prisma's migration folder, or by node-pg-migrate's
 * file name without its extension.
 */
export type MatchBy = "version" | "folder" | "file-name";

/** One migration a tool recorded as applied. */
export interface ToolHistoryEntry {
  /** The tool's name for it: a version ("20240101120000", "2.1", "R__views") or a name. */
  key: string;
  /** The description or name the tool keeps beside the key, for messages. */
  label: string | null;
  /** When the tool applied it (ISO 8601, UTC); null when the tool keeps no time. */
  appliedAt: string | null;
  /** Who applied it, as the tool recorded (Flyway's installed_by); null when it keeps no one. */
  appliedBy: string | null;
  /** The tool's checksum of the file as applied (Flyway's CRC32 as a decimal, Prisma's SHA-256). */
  checksum: string | null;
}

/**
 * golang-migrate's one row, Flyway's baseline: every versioned migration up to and including
 * `entry.key` counts as applied. `isFileRequired`: the tool needed a file of that very version
 * (golang-migrate), where a baseline names a version that may have none.
 */
export interface AppliedThrough {
  entry: ToolHistoryEntry;
  isFileRequired: boolean;
}

/** An entry the tool itself would refuse to go past: failed, rolled back, dirty. */
export interface UncleanEntry {
  key: string;
  state: "failed" | "rolled-back" | "dirty";
  detail: string;
}

/** What a reader found in a tool's history table. */
export interface ToolHistory {
  entries: ToolHistoryEntry[];
  appliedThrough: AppliedThrough | null;
  unclean: UncleanEntry[];
}

/** `--from <tool>`: one of {@link adoptTools}, else bad input that lists them. */
export function parseAdoptTool(text: string | undefined): AdoptTool {
  const value = text?.trim().toLowerCase() ?? "";
  const found = adoptTools.find((tool) => tool === value);
  if (found) return found;
  const list = adoptTools.join(", ");
  if (value === "") {
    throw new InputError("drydock adopt needs --from <tool>: the tool whose history to import", {
      hint: `Name the tool that migrated this database: ${list}.`,
    });
  }
  throw new InputError(`--from ${text}: drydock cannot adopt the history of that tool`, {
    hint: `drydock reads the history tables of ${list}.`,
  });
}
