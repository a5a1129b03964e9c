import { existsSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputError } from "../errors/drydock-error.js";
import type { Report } from "../model/report.js";
import { renderReportHtml } from "../report/render-report-html.js";
import { renderReportMarkdown } from "../report/render-report-markdown.js";

/** What `renderReport` wrote. */
export interface RenderReportResult {
  /** Absolute path of the `report.md` written. */
  markdownFile: string;
  /** Absolute path of the `report.html` written: the same memo as one self-contained page. */
  htmlFile: string;
}

const reportKinds = ["rehearsal", "apply", "verify"];

/** The contract keys of SPEC §9 the renderers need, with the JSON type each must have. */
const requiredKeys: [keyof Report, "object" | "array" | "string" | "number"][] = [
  ["env", "string"],
  ["target", "object"],
  ["plan", "object"],
  ["steps", "array"],
  ["checks", "array"],
  ["rollback", "object"],
  ["stats", "object"],
  ["decision", "object"],
  ["started_at", "string"],
  ["finished_at", "string"],
  ["duration_ms", "number"],
];

/**
 * Renders `report.md` and `report.html` from the `report.json` of an evidence package (SPEC §9,
 * `drydock report <evidence-dir>`) and writes them beside it. Throws an InputError naming the
 * file when the folder or the file is missing, the file is not JSON, or it is not a drydock
 * report.
 */
export async function renderReport(evidenceDir: string): Promise<RenderReportResult> {
  const dir = resolve(evidenceDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`no evidence folder at ${dir}`, {
      hint: "Pass a folder that drydock rehearse, apply or verify wrote, under .drydock/evidence/.",
    });
  }
  const report = await readReport(join(dir, "report.json"));
  const [markdownFile, htmlFile] = await Promise.all([writeReportMarkdown(dir, report), writeReportHtml(dir, report)]);
  return { markdownFile, htmlFile };
}

/** Writes `<dir>/report.md` for a report and returns its absolute path. */
export async function writeReportMarkdown(dir: string, report: Report): Promise<string> {
  const file = resolve(dir, "report.md");
  await writeFile(file, renderReportMarkdown(report), "utf8");
  return file;
}

/** Writes `<dir>/report.html` for a report and returns its absolute path. */
export async function writeReportHtml(dir: string, report: Report): Promise<string> {
  const file = resolve(dir, "report.html");
  await writeFile(file, renderReportHtml(report), "utf8");
  return file;
}

/** Reads and checks a `report.json`; the extension keys a report may lack get empty values. */
export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read ${file}`, {
      hint: "An evidence folder holds the report.json that drydock rehearse, apply or verify wrote.",
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InputError(`${file} is not JSON: ${reason}`, { hint: "Restore the report.json that drydock wrote.", cause });
  }
  return checkReport(value, file);
}

function checkReport(value: unknown, file: string): Report {
  const notDrydock = (why: string) =>
    new InputError(`${file} is not a drydock report: ${why}`, {
      hint: "Pass the evidence folder of a drydock rehearse, apply or verify run.",
    });
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw notDrydock("it is not a JSON object");
  const raw = value as Record<string, unknown>;
  const tool = raw.tool as { name?: unknown } | undefined;
  if (typeof tool !== "object" || tool === null || tool.name !== "drydock") throw notDrydock('tool.name is not "drydock"');
  if (typeof raw.kind !== "string" || !reportKinds.includes(raw.kind)) {
    throw notDrydock(`kind is ${JSON.stringify(raw.kind ?? null)}, not one of ${reportKinds.join(", ")}`);
  }
  const missing = requiredKeys.filter(([key, type]) =>
    type === "array" ? !Array.isArray(raw[key]) : typeof raw[key] !== type || raw[key] === null,
  );
  if (missing.length > 0) {
    throw new InputError(`${file} lacks ${missing.map(([key, type]) => `${key} (${type})`).join(", ")}`, {
      hint: "It may come from another version of drydock; run the rehearsal again to write a complete report.",
    });
  }
  const report = raw as unknown as Report;
  // lint, stages and sandbox are extensions, not contract: a report without them still renders.
  return {
    ...report,
    plan: { ...report.plan, groups: report.plan.groups ?? [] },
    lint: report.lint ?? [],
    stages: report.stages ?? [],
    sandbox: report.sandbox ?? { kind: "", description: "", baseline: [], kept: false },
  };
}
