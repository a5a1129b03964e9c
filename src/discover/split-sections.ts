import { InputError } from "../errors/drydock-error.js";

/** Tools that keep both directions of a migration in one file, separated by marker comments. */
export type SectionDialect = "goose" | "sql-migrate" | "dbmate" | "node-pg-migrate";

/** One direction cut out of a sectioned file; same number of lines as the file. */
export interface SectionScript {
  sql: string;
  formatAllowsTransaction: boolean;
}

export interface Sections {
  up: SectionScript;
  /** `null` when the file has no down marker; an empty section is a script of blank lines. */
  down: SectionScript | null;
}

export interface SplitSectionsOptions {
  /**
   * Lines before the first marker belong to the up script. Used for plain files that only have a
   * `-- migrate:down` section; without it the file must open an up section before any SQL.
   */
  isUpImplicit?: boolean;
}

const markerPatterns: Record<SectionDialect, RegExp> = {
  goose: /^\s*--\s*\+goose\b\s*(.*?)\s*$/i,
  "sql-migrate": /^\s*--\s*\+migrate\b\s*(.*?)\s*$/i,
  dbmate: /^\s*--\s*migrate:(up|down)\b\s*(.*?)\s*$/i,
  // node-pg-migrate's own test for its SQL files' comments: "-- Up Migration", "-- Down Migration".
  "node-pg-migrate": /^\s*--[\s-]*(up|down)\s+migration\b/i,
};

const markerNames: Record<SectionDialect, string> = {
  goose: "-- +goose Up",
  "sql-migrate": "-- +migrate Up",
  dbmate: "-- migrate:up",
  "node-pg-migrate": "-- Up Migration",
};

/** Whether any line of `source` is a marker of `dialect` (used by format detection and plain files). */
export function hasSectionMarkers(source: string, dialect: SectionDialect): boolean {
  return source.split("\n").some((line) => markerPatterns[dialect].test(line));
}

/**
 * Splits a file that holds both directions into an up and a down script, blanking the lines of
 * the other direction and the marker lines themselves so line N stays line N of the file.
 *
 * - goose: `-- +goose Up`, `-- +goose Down`, `StatementBegin`/`StatementEnd` and `ENVSUB ON/OFF`
 *   markers; `-- +goose NO TRANSACTION` anywhere makes both directions non-transactional, as
 *   goose runs the whole file outside a transaction. https://pressly.github.io/goose/documentation/annotations/
 * - sql-migrate: `-- +migrate Up`/`Down` with an optional `notransaction` option that applies to
 *   that direction only; `StatementBegin`/`StatementEnd`.
 * - dbmate: `-- migrate:up`/`-- migrate:down` with an optional `transaction:false` option.
 * - node-pg-migrate SQL files: `-- Up Migration`/`-- Down Migration` (any comment line that starts
 *   so, as node-pg-migrate reads them).
 *
 * Comment lines before the first marker are kept in both directions (a `-- drydock:` directive
 * placed there applies to both); SQL there is an {@link InputError}, as goose and dbmate refuse it.
 */
export function splitSections(source: string, dialect: SectionDialect, file: string, options: SplitSectionsOptions = {}): Sections {
  const lines = source.split("\n");
  const up: string[] = lines.map(() => "");
  const down: string[] = lines.map(() => "");
  const isPreamble: boolean[] = lines.map(() => false);
  const transaction = { up: true, down: true };
  let current: "preamble" | "up" | "down" = options.isUpImplicit ? "up" : "preamble";
  let sawUp = false;
  let sawDown = false;
  lines.forEach((line, index) => {
    const marker = readMarker(line, dialect, file, index + 1);
    if (marker === null) {
      isPreamble[index] = current === "preamble";
      if (current === "up" || current === "preamble") up[index] = line;
      if (current === "down" || current === "preamble") down[index] = line;
      return;
    }
    if (marker.noTransactionForFile) transaction.up = transaction.down = false;
    if (marker.direction) {
      current = marker.direction;
      if (marker.direction === "up") sawUp = true;
      else sawDown = true;
      if (marker.noTransaction) transaction[marker.direction] = false;
    }
  });
  if (!sawUp && !options.isUpImplicit) {
    throw new InputError(`${file} has no "${markerNames[dialect]}" marker`, {
      hint: `Start the forward part of the migration with a "${markerNames[dialect]}" line, or set project.format if this is not a ${dialect} project.`,
    });
  }
  checkPreamble(lines, isPreamble, dialect, file);
  return {
    up: { sql: up.join("\n"), formatAllowsTransaction: transaction.up },
    down: sawDown ? { sql: down.join("\n"), formatAllowsTransaction: transaction.down } : null,
  };
}

interface Marker {
  direction?: "up" | "down";
  noTransaction?: boolean;
  noTransactionForFile?: boolean;
}

function readMarker(line: string, dialect: SectionDialect, file: string, lineNumber: number): Marker | null {
  const match = markerPatterns[dialect].exec(line);
  if (!match) return null;
  if (dialect === "node-pg-migrate") return { direction: (match[1] ?? "").toLowerCase() as "up" | "down" };
  if (dialect === "dbmate") {
    const direction = (match[1] ?? "").toLowerCase() as "up" | "down";
    return { direction, noTransaction: /\btransaction:\s*false\b/i.test(match[2] ?? "") };
  }
  const words = (match[1] ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const [command = "", ...rest] = words;
  if (dialect === "goose") {
    const annotation = words.join(" ");
    if (annotation === "up" || annotation === "down") return { direction: annotation };
    if (annotation === "no transaction") return { noTransactionForFile: true };
    if (["statementbegin", "statementend", "envsub on", "envsub off"].includes(annotation)) return {};
  } else {
    if (command === "up" || command === "down") return { direction: command, noTransaction: rest.includes("notransaction") };
    if (command === "statementbegin" || command === "statementend") return {};
  }
  throw new InputError(`unknown ${dialect} marker "${line.trim()}" in ${file}:${lineNumber}`, {
    hint: `Use one of the ${dialect} markers (Up, Down, StatementBegin, StatementEnd${dialect === "goose" ? ", NO TRANSACTION" : ""}).`,
    location: { file, line: lineNumber, column: 1 },
    sourceLine: line,
  });
}

/** Lines before the first marker run in both directions, so only comments may stand there. */
function checkPreamble(lines: string[], isPreamble: boolean[], dialect: SectionDialect, file: string): void {
  const shared = lines.map((line, i) => (isPreamble[i] ? line : ""));
  const code = shared
    .join("\n")
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "))
    .replace(/--.*$/gm, "")
    .split("\n");
  const index = code.findIndex((line) => line.trim() !== "");
  if (index === -1) return;
  throw new InputError(`${file}:${index + 1} has SQL before the first "${markerNames[dialect]}" marker`, {
    hint: `Move it into the Up or Down section; ${dialect} would not know which direction it belongs to.`,
    location: { file, line: index + 1, column: 1 },
    sourceLine: lines[index] ?? "",
  });
}
