import type { CheckResult } from "../../model/check.js";
import type { Plan } from "../../model/plan.js";
import { plural } from "../../util/plural.js";
import { limitDetails } from "../../verify/limit-details.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.extensions";

interface ExtensionRow {
  name: string;
  installed_version: string | null;
  default_version: string | null;
}

/** The extensions the pending migrations create (`CREATE EXTENSION`), with the first migration that does. */
export function extensionsCreated(plan: Plan): Map<string, string> {
  const created = new Map<string, string>();
  for (const migration of plan.migrations) {
    if (!migration.pending) continue;
    for (const object of migration.creates) {
      if (object.kind === "extension" && !created.has(object.name)) created.set(object.name, migration.version);
    }
  }
  return created;
}

/**
 * Every extension the pending migrations create is installed already (`pg_extension`) or can
 * be installed: the server has its control file (`pg_available_extensions`). A missing one
 * fails the migration that creates it halfway through an apply; it needs the server's
 * package installed, or on a managed service an extension the provider allows. Whether this
 * user may create it is `preflight.privileges`' question.
 */
export const extensions: PreflightCheck = {
  id,
  description: "every extension the pending migrations create is installed or available",
  async run({ engine, plan }): Promise<CheckResult> {
    const created = extensionsCreated(plan);
    if (created.size === 0) {
      const observed = { required: 0, installed: 0, available: 0, missing: 0 };
      return { id, status: "pass", summary: "the pending migrations create no extension", observed, details: [] };
    }
    const rows = await engine.query<ExtensionRow>(
      `SELECT e.name,
              (SELECT x.extversion FROM pg_catalog.pg_extension x WHERE x.extname = e.name) AS installed_version,
              a.default_version
         FROM unnest($1::text[]) AS e(name)
         LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.name
        ORDER BY e.name`,
      [[...created.keys()]],
    );
    const installed = rows.filter((row) => row.installed_version !== null);
    const available = rows.filter((row) => row.installed_version === null && row.default_version !== null);
    const missing = rows.filter((row) => row.installed_version === null && row.default_version === null);
    const observed = {
      required: rows.length,
      installed: installed.length,
      available: available.length,
      missing: missing.length,
      extensions: Object.fromEntries(
        rows.map((row) => [row.name, row.installed_version ? "installed" : row.default_version ? "available" : "missing"]),
      ),
    };
    if (missing.length === 0) {
      const summary = `${plural(rows.length, "extension")} needed: ${installed.length} installed, ${available.length} available`;
      return { id, status: "pass", summary, observed, details: [] };
    }
    const details = missing.map(
      (row) =>
        `${row.name} (created by ${created.get(row.name)}): not available on this server; install its package on the server, or ask the provider to allow it`,
    );
    const summary = `${missing.length} of ${plural(rows.length, "extension")} the pending migrations create not available: ${missing.map((row) => row.name).join(", ")}`;
    return { id, status: "fail", summary, observed, details: limitDetails(details) };
  },
};
