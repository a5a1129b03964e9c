import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "../model/report.js";
import type { Snapshot } from "../model/snapshot.js";
import { renderReportHtml } from "./render-report-html.js";
import { renderReportMarkdown } from "./render-report-markdown.js";

/** One line of `run.log.jsonl`: when, what, and the event's own fields. */
export interface LogEntry {
  at: string;
  event: string;
  [field: string]: unknown;
}

/** One line of `run.log.jsonl`: an event of the run, stamped with the time it happened. */
export function logEntryOf<E extends { type: string }>(event: E, at = new Date()): LogEntry {
  const { type, ...fields } = event;
  return { at: at.toISOString(), event: type, ...fields };
}

export interface EvidencePackage {
  report: Report;
  before: Snapshot | null;
  after: Snapshot | null;
  log: readonly LogEntry[];
}

/**
 * The folder name of an evidence package (SPEC §9): `<UTC timestamp>-<env>-<kind>`, e.g.
 * `20261121T090312Z-staging-rehearsal`. Sorts by time; safe on every file system.
 */
export function evidenceFolderName(startedAt: Date, env: string, kind: Report["kind"]): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${env.replace(/[^A-Za-z0-9_.-]/g, "_")}-${kind}`;
}

/**
 * Writes an evidence package (SPEC §9): `report.json`, `report.md`, `report.html`,
 * `run.log.jsonl`, `before.json`, `after.json`. Returns the folder. A missing snapshot (the rehearsal stopped
 * before it) is written as `null`, so the set of files is always the same.
 */
export async function writeEvidence(folder: string, evidence: EvidencePackage): Promise<string> {
  await mkdir(folder, { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await Promise.all([
    writeFile(join(folder, "report.json"), json(evidence.report), "utf8"),
    writeFile(join(folder, "report.md"), renderReportMarkdown(evidence.report), "utf8"),
    writeFile(join(folder, "report.html"), renderReportHtml(evidence.report), "utf8"),
    writeFile(
      join(folder, "run.log.jsonl"),
      evidence.log.map((entry) => JSON.stringify(entry)).join("\n") + (evidence.log.length ? "\n" : ""),
      "utf8",
    ),
    writeFile(join(folder, "before.json"), json(evidence.before), "utf8"),
    writeFile(join(folder, "after.json"), json(evidence.after), "utf8"),
  ]);
  return folder;
}
