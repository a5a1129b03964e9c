import type { ObjectKind } from "../../model/analysis.js";
import type { CheckResult } from "../../model/check.js";
import type { Plan } from "../../model/plan.js";
import { plural } from "../../util/plural.js";
import { limitDetails } from "../../verify/limit-details.js";
import { historyPrivilegeProblems } from "../history-privileges.js";
import type { PreflightCheck } from "../preflight-check.js";
import { readOwnership } from "../read-ownership.js";
import { extensionsCreated } from "./extensions.js";

const id = "preflight.privileges";

/** Objects that live in a schema and need CREATE on it (an index lives in its table's schema and needs only the table). */
const schemaKinds = new Set<ObjectKind>([
  "table",
  "view",
  "materialized_view",
  "sequence",
  "function",
  "procedure",
  "type",
  "enum",
  "domain",
]);

/** Schemas the pending migrations create objects in (or move objects to), with the first migration that does; minus the schemas they create. */
function schemasWritten(plan: Plan): { written: Map<string, string>; created: Map<string, string> } {
  const written = new Map<string, string>();
  const created = new Map<string, string>();
  const schemaOf = (name: string) => name.slice(0, name.indexOf("."));
  for (const migration of plan.migrations.filter((entry) => entry.pending)) {
    for (const ref of migration.creates) {
      if (ref.kind === "schema" && !created.has(ref.name)) created.set(ref.name, migration.version);
      if (schemaKinds.has(ref.kind) && !written.has(schemaOf(ref.name))) written.set(schemaOf(ref.name), migration.version);
    }
    for (const rename of migration.renames ?? []) {
      const target = schemaOf(rename.to);
      if (schemaKinds.has(rename.kind) && target !== schemaOf(rename.from) && !written.has(target)) written.set(target, migration.version);
    }
  }
  for (const schema of created.keys()) written.delete(schema);
  return { written, created };
}

/**
 * The connected user may do what the pending migrations do: CREATE on every existing schema
 * they create objects in (`has_schema_privilege`), CREATE on the database when they create a
 * schema (`has_database_privilege`), ownership of every existing object they alter, drop or
 * rename, and of every table they add columns, constraints or policies to (`pg_has_role(owner,
 * 'USAGE')`: the owner, a member of the owning role, or a superuser; a new trigger needs only the
 * TRIGGER privilege). An extension that is not trusted (`pg_available_extension_versions.trusted`)
 * needs a superuser to be created: a `warn`, since managed services grant it their own way.
 * The run itself must be recordable: drydock's history created or written (`historyPrivilegeProblems`).
 */
export const privileges: PreflightCheck = {
  id,
  description: "the user may create, alter and drop what the pending migrations do",
  async run({ engine, plan }): Promise<CheckResult> {
    const [who] = await engine.query<{ user_name: string; is_superuser: boolean; database: string; can_create_in_database: boolean }>(
      `SELECT current_user::text AS user_name, current_setting('is_superuser') = 'on' AS is_superuser, current_database()::text AS database,
              has_database_privilege(current_database(), 'CREATE') AS can_create_in_database`,
    );
    if (!who) throw new Error("the session returned no row for SELECT current_user");
    const { written, created } = schemasWritten(plan);
    const schemas = await engine.query<{ name: string; present: boolean; can_create: boolean | null }>(
      `SELECT s.name, n.oid IS NOT NULL AS present, CASE WHEN n.oid IS NOT NULL THEN has_schema_privilege(n.oid, 'CREATE') END AS can_create
         FROM unnest($1::text[]) AS s(name) LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = s.name ORDER BY s.name`,
      [[...written.keys()]],
    );
    const extensions = extensionsCreated(plan);
    const newExtensions = await engine.query<{ name: string; trusted: boolean }>(
      `SELECT e.name, coalesce(v.trusted, false) AS trusted
         FROM unnest($1::text[]) AS e(name)
         JOIN pg_catalog.pg_available_extensions a ON a.name = e.name AND a.installed_version IS NULL
         LEFT JOIN pg_catalog.pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version
        ORDER BY e.name`,
      [[...extensions.keys()]],
    );
    const owned = await readOwnership(engine, plan);
    const failures: string[] = [];
    const warnings: string[] = [];
    for (const schema of schemas) {
      const by = written.get(schema.name);
      if (!schema.present) failures.push(`schema ${schema.name} does not exist, and ${by} creates objects in it`);
      else if (!schema.can_create)
        failures.push(`no CREATE on schema ${schema.name}, needed by ${by}: GRANT CREATE ON SCHEMA ${schema.name} TO ${who.user_name}`);
    }
    if (created.size > 0 && !who.can_create_in_database) {
      const [name, by] = [...created][0] as [string, string];
      failures.push(
        `no CREATE on database ${who.database}, needed to create schema ${name} (${by}): GRANT CREATE ON DATABASE ${who.database} TO ${who.user_name}`,
      );
    }
    for (const extension of who.is_superuser ? [] : newExtensions) {
      const by = extensions.get(extension.name);
      if (!extension.trusted)
        warnings.push(`extension ${extension.name} (${by}) is not trusted: only a superuser can create it, unless the provider allows it`);
      else if (!who.can_create_in_database)
        failures.push(`no CREATE on database ${who.database}, needed to create extension ${extension.name} (${by})`);
    }
    const history = await historyPrivilegeProblems(engine, who);
    failures.push(...history);
    const notOwned = owned.filter((object) => !object.owns && !object.hasPrivilege);
    for (const object of notOwned) {
      failures.push(
        object.privilege === "REFERENCES"
          ? `${object.version} ${object.action} ${object.object}, owned by ${object.owner}: needs REFERENCES on it: GRANT REFERENCES ON ${object.name} TO ${who.user_name}`
          : `${object.version} ${object.action} ${object.object}, owned by ${object.owner}: only its owner, a member of ${object.owner} or a superuser may`,
      );
    }
    const observed = {
      user: who.user_name,
      is_superuser: who.is_superuser,
      schemas: schemas.length,
      schemas_without_create: schemas.filter((schema) => schema.present && !schema.can_create).length,
      creates_schemas: created.size,
      can_create_in_database: who.can_create_in_database,
      objects_changed: owned.length,
      objects_not_owned: notOwned.length,
      untrusted_extensions: warnings.length,
      history_writable: history.length === 0,
    };
    const scope = `${plural(schemas.length, "schema")} written, ${plural(owned.length, "existing object")} changed`;
    if (failures.length > 0) {
      const summary = `${who.user_name} cannot do what the pending migrations need: ${plural(failures.length, "problem")} (${scope})`;
      return { id, status: "fail", summary, observed, details: limitDetails([...failures, ...warnings]) };
    }
    if (warnings.length > 0) {
      return {
        id,
        status: "warn",
        summary: `${plural(warnings.length, "extension")} may need a superuser (${scope})`,
        observed,
        details: warnings,
      };
    }
    return { id, status: "pass", summary: `${who.user_name} may do what the pending migrations do (${scope})`, observed, details: [] };
  },
};
