import { NameResolver } from "../../analyze/name-resolver.js";
import type { CheckResult } from "../../model/check.js";
import { splitIdentifierList } from "../../util/identifier-list.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.search_path";

/** Schemas an unqualified CREATE never lands in, though they may be listed. */
const notForCreating = (schema: string) => schema === "pg_catalog" || schema.startsWith("pg_temp");

/**
 * Where unqualified names go. The plan, and the verification of what it says is created,
 * resolve them through `project.search_path`; PostgreSQL through the session's `search_path`,
 * where the first schema that exists takes every unqualified CREATE (`$user` included, when a
 * schema has the role's name). When the two differ, a migration's `CREATE TABLE orders` lands
 * in another schema than the plan shows, and `objects.expected` looks for it in the wrong
 * place. Schemas the pending migrations create count as existing. `warn`: migrations that
 * qualify every name are not affected.
 */
export const searchPath: PreflightCheck = {
  id,
  description: "the session creates unqualified objects in the schema the plan expects",
  async run({ engine, config, plan }): Promise<CheckResult> {
    const [row] = await engine.query<{ setting: string; role: string; schemas: string[] }>(
      `SELECT pg_catalog.current_setting('search_path') AS setting, current_user::text AS role,
              ARRAY(SELECT nspname::text FROM pg_catalog.pg_namespace) AS schemas`,
    );
    const setting = row?.setting ?? "";
    const role = row?.role ?? "";
    const created = plan.migrations.filter((migration) => migration.pending).flatMap((migration) => migration.creates);
    const willExist = new Set([
      ...(row?.schemas ?? []),
      ...created.filter((object) => object.kind === "schema").map((object) => object.name),
    ]);
    const sessionPath = splitIdentifierList(setting).map((schema) => (schema === "$user" ? role : schema));
    const sessionSchema = sessionPath.find((schema) => !notForCreating(schema) && willExist.has(schema)) ?? null;
    // Where the analysis puts them (NameResolver skips $user and pg_catalog).
    const plannedSchema = new NameResolver([...config.project.search_path]).creationSchema;
    const observed = {
      session_search_path: setting,
      project_search_path: config.project.search_path.join(", "),
      session_creates_in: sessionSchema,
      plan_creates_in: plannedSchema,
    };
    if (sessionSchema === plannedSchema) {
      return {
        id,
        status: "pass",
        summary: `unqualified objects go to ${plannedSchema}, as planned (search_path = ${setting})`,
        observed,
        details: [],
      };
    }
    const where = sessionSchema === null ? "nowhere: none of its schemas exists" : `to ${sessionSchema}`;
    return {
      id,
      status: "warn",
      summary: `unqualified objects would go ${where}, but the plan puts them in ${plannedSchema}`,
      observed,
      details: [
        `this session's search_path is ${setting} (user ${role}); project.search_path is ${observed.project_search_path}: set project.search_path to the schemas the server uses, set the role's search_path (ALTER ROLE … SET search_path), or qualify the names in the migrations`,
      ],
    };
  },
};
