import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Report } from "../../src/model/report.js";
import { reportSchema } from "../../src/report/report-schema.js";

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateReport = ajv.compile(reportSchema);

function describeError(error: ErrorObject): string {
  const where = error.instancePath || "(top level)";
  const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
  const allowed = params.allowedValues ?? (params.allowedValue !== undefined ? [params.allowedValue] : undefined);
  return `${where}: ${error.message ?? error.keyword}${allowed ? ` (${allowed.map((value) => JSON.stringify(value)).join(", ")})` : ""}`;
}

/**
 * Checks a `report.json` value against the contract keys of SPEC §9 (src/report/report-schema.ts)
 * and throws one line per problem: `/steps/0/status: must be equal to one of the allowed values
 * ("applied", "failed", "not-run")`.
 */
export function assertReportContract(report: unknown): asserts report is Report {
  if (validateReport(report)) return;
  const problems = (validateReport.errors ?? []).map(describeError);
  throw new Error(`report.json breaks the contract of SPEC §9:\n  ${problems.join("\n  ")}`);
}
