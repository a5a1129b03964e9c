import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/** SQL a statement uses, the PostgreSQL major version that introduced it, and how to write it before then. */
interface Feature {
  name: string;
  since: number;
  /** The older way, when there is one. */
  olderWay?: string;
}

const merge: Feature = {
  name: "MERGE",
  since: 15,
  olderWay: "INSERT … ON CONFLICT … DO UPDATE, or separate UPDATE, INSERT and DELETE statements",
};
const mergeReturning: Feature = {
  name: "MERGE … RETURNING",
  since: 17,
  olderWay: "separate INSERT/UPDATE/DELETE … RETURNING statements",
};
const mergeNotMatchedBySource: Feature = {
  name: "MERGE … WHEN NOT MATCHED BY SOURCE",
  since: 17,
  olderWay: "a DELETE or UPDATE … WHERE NOT EXISTS (…) beside the MERGE",
};
const setExpression: Feature = {
  name: "ALTER COLUMN … SET EXPRESSION",
  since: 17,
  olderWay: "drop the generated column and add it again with the new expression",
};
const setAccessMethod: Feature = {
  name: "ALTER TABLE … SET ACCESS METHOD",
  since: 15,
  olderWay: "create a new table with CREATE TABLE … USING, copy the rows, and swap the names",
};
const detachConcurrently: Feature = {
  name: "DETACH PARTITION … CONCURRENTLY",
  since: 14,
  olderWay: "a plain DETACH PARTITION (it takes ACCESS EXCLUSIVE on the partitioned table)",
};
const detachFinalize: Feature = { name: "DETACH PARTITION … FINALIZE", since: 14 };
const compression: Feature = {
  name: "column COMPRESSION",
  since: 14,
  olderWay: "leave it out: every version before 14 compresses with pglz",
};
const nullsNotDistinct: Feature = {
  name: "UNIQUE NULLS NOT DISTINCT",
  since: 15,
  olderWay: "a unique index on COALESCE(column, <sentinel>), or a second partial unique index WHERE column IS NULL",
};
const securityInvoker: Feature = {
  name: "view option security_invoker",
  since: 15,
  olderWay: "leave it out and rely on grants and row-level security of the tables, or use a SECURITY INVOKER function instead of the view",
};
const grantOnParameter: Feature = { name: "GRANT/REVOKE … ON PARAMETER", since: 15 };
const tablesInSchema: Feature = {
  name: "PUBLICATION … TABLES IN SCHEMA",
  since: 15,
  olderWay: "list the schema's tables one by one with FOR TABLE / ADD TABLE",
};
const roleGrantOptions: Feature = {
  name: "GRANT/REVOKE role WITH INHERIT or SET option",
  since: 16,
  olderWay: "INHERIT/NOINHERIT on the member role (CREATE/ALTER ROLE), which applies to all its memberships",
};
const systemUser: Feature = { name: "SYSTEM_USER", since: 16, olderWay: "session_user or current_user" };
const createOrReplaceTrigger: Feature = {
  name: "CREATE OR REPLACE TRIGGER",
  since: 14,
  olderWay: "DROP TRIGGER IF EXISTS … then CREATE TRIGGER, in the same transaction",
};
const sqlStandardBody: Feature = {
  name: "SQL-standard function body (BEGIN ATOMIC … END or RETURN expression)",
  since: 14,
  olderWay: "AS $$ … $$ with LANGUAGE sql",
};
const procedureOut: Feature = {
  name: "OUT parameter in a procedure",
  since: 14,
  olderWay: "an INOUT parameter (procedures have had them since 11)",
};
const multirange: Feature = { name: "multirange type", since: 14, olderWay: "an array of ranges" };
const dropDatabaseForce: Feature = {
  name: "DROP DATABASE … WITH (FORCE)",
  since: 13,
  olderWay: "pg_terminate_backend() on the database's sessions, then DROP DATABASE",
};
const jsonTable: Feature = {
  name: "JSON_TABLE",
  since: 17,
  olderWay: "jsonb_to_recordset(), jsonb_array_elements() or jsonb_path_query() in FROM",
};

/** SQL/JSON expressions by node: the standard's syntax, not the older json/jsonb functions. */
const jsonExpressions: Readonly<Record<string, Feature>> = {
  JsonArrayConstructor: { name: "JSON_ARRAY()", since: 16, olderWay: "json_build_array() or jsonb_build_array()" },
  JsonArrayQueryConstructor: { name: "JSON_ARRAY()", since: 16, olderWay: "json_agg() or jsonb_agg() over the subquery" },
  JsonObjectConstructor: { name: "JSON_OBJECT()", since: 16, olderWay: "json_build_object() or jsonb_build_object()" },
  JsonArrayAgg: { name: "JSON_ARRAYAGG()", since: 16, olderWay: "json_agg() or jsonb_agg()" },
  JsonObjectAgg: { name: "JSON_OBJECTAGG()", since: 16, olderWay: "json_object_agg() or jsonb_object_agg()" },
  JsonIsPredicate: { name: "IS JSON", since: 16 },
  JsonParseExpr: { name: "JSON()", since: 17, olderWay: "a cast to json or jsonb" },
  JsonScalarExpr: { name: "JSON_SCALAR()", since: 17, olderWay: "to_json() or to_jsonb()" },
  JsonSerializeExpr: { name: "JSON_SERIALIZE()", since: 17, olderWay: "a cast to text" },
};

const jsonQueryFunctions: Readonly<Record<string, Feature>> = {
  JSON_EXISTS_OP: { name: "JSON_EXISTS()", since: 17, olderWay: "jsonb_path_exists() or the @? operator" },
  JSON_QUERY_OP: { name: "JSON_QUERY()", since: 17, olderWay: "jsonb_path_query_first() or jsonb_path_query_array()" },
  JSON_VALUE_OP: { name: "JSON_VALUE()", since: 17, olderWay: "jsonb_path_query_first() #>> '{}' and a cast" },
};

/** The built-in multirange types (PostgreSQL 14), also the names of their constructor functions. */
const multirangeTypes: ReadonlySet<string> = new Set([
  "int4multirange",
  "int8multirange",
  "nummultirange",
  "tsmultirange",
  "tstzmultirange",
  "datemultirange",
]);

/** A built-in name: unqualified, or in pg_catalog (a type or function of the user's own schema is not built in). */
function builtinName(list: unknown): string | null {
  const parts = names(list);
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== "pg_catalog")) return null;
  return parts[parts.length - 1] ?? null;
}

function hasOption(options: unknown, name: string): boolean {
  return listOf(options).some((option) => unwrap(option)[1].defname === name);
}

/** The features one node uses, by its kind and fields; its children are visited separately. */
function featuresOf(kind: string, fields: AstNode): Feature[] {
  const json = jsonExpressions[kind];
  if (json) return [json];
  switch (kind) {
    case "MergeStmt":
      return [
        merge,
        ...(fields.returningClause || fields.returningList ? [mergeReturning] : []),
        ...(listOf(fields.mergeWhenClauses).some((when) => unwrap(when)[1].matchKind === "MERGE_WHEN_NOT_MATCHED_BY_SOURCE")
          ? [mergeNotMatchedBySource]
          : []),
      ];
    case "JsonTable":
      return [jsonTable];
    case "JsonFuncExpr": {
      const query = jsonQueryFunctions[String(fields.op)];
      return query ? [query] : [];
    }
    case "AlterTableCmd":
      return alterTableFeatures(fields);
    case "ColumnDef":
      return fields.compression ? [compression] : [];
    case "Constraint":
      return fields.contype === "CONSTR_UNIQUE" && fields.nulls_not_distinct ? [nullsNotDistinct] : [];
    case "IndexStmt":
      return fields.nulls_not_distinct ? [nullsNotDistinct] : [];
    case "ViewStmt":
      return hasOption(fields.options, "security_invoker") ? [securityInvoker] : [];
    case "GrantStmt":
      return fields.objtype === "OBJECT_PARAMETER_ACL" ? [grantOnParameter] : [];
    case "GrantRoleStmt":
      return listOf(fields.opt).some((option) => ["inherit", "set"].includes(String(unwrap(option)[1].defname))) ? [roleGrantOptions] : [];
    case "PublicationObjSpec":
      return ["PUBLICATIONOBJ_TABLES_IN_SCHEMA", "PUBLICATIONOBJ_TABLES_IN_CUR_SCHEMA"].includes(String(fields.pubobjtype))
        ? [tablesInSchema]
        : [];
    case "CreateTrigStmt":
      return fields.replace ? [createOrReplaceTrigger] : [];
    case "CreateFunctionStmt":
      return [
        ...(fields.sql_body ? [sqlStandardBody] : []),
        ...(fields.is_procedure && listOf(fields.parameters).some((parameter) => unwrap(parameter)[1].mode === "FUNC_PARAM_OUT")
          ? [procedureOut]
          : []),
      ];
    case "DropdbStmt":
      return hasOption(fields.options, "force") ? [dropDatabaseForce] : [];
    case "FuncCall": {
      const name = builtinName(fields.funcname);
      // SYSTEM_USER parses as a call to pg_catalog.system_user, which exists only from 16 on.
      if (name === "system_user") return [systemUser];
      return name !== null && multirangeTypes.has(name) ? [multirange] : [];
    }
    default:
      return [];
  }
}

function alterTableFeatures(command: AstNode): Feature[] {
  switch (command.subtype) {
    case "AT_SetExpression":
      return [setExpression];
    case "AT_SetAccessMethod":
      return [setAccessMethod];
    case "AT_DetachPartition":
      return unwrap(command.def)[1].concurrent ? [detachConcurrently] : [];
    case "AT_DetachPartitionFinalize":
      return [detachFinalize];
    case "AT_SetCompression":
      return [compression];
    case "AT_SetRelOptions":
      // RESET (security_invoker) is not reported: older servers drop unknown names from the list without complaint.
      return listOf(unwrap(command.def)[1].items).some((option) => unwrap(option)[1].defname === "security_invoker")
        ? [securityInvoker]
        : [];
    default:
      return [];
  }
}

/** Every feature the statement uses, anywhere in its tree (CTEs, subqueries, SQL-standard function bodies). */
function featuresIn(node: unknown): Feature[] {
  const found = new Map<string, Feature>();
  // Every statement of every linted migration passes here: a plain loop, no per-key allocation.
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === "object") visit(item);
      return;
    }
    const fields = value as AstNode;
    // libpg-query writes a TypeName bare, as the value of a field (typeName, argType, returnType…), not wrapped in its kind.
    if ("typemod" in fields && "names" in fields) {
      const name = builtinName(fields.names);
      if (name !== null && multirangeTypes.has(name)) found.set(multirange.name, multirange);
    }
    for (const key in fields) {
      const child = fields[key];
      if (child === null || typeof child !== "object") continue;
      const first = key.charCodeAt(0);
      // A capitalised key is a node's kind: `{ MergeStmt: { … } }`.
      if (first >= 65 && first <= 90 && !Array.isArray(child)) {
        for (const feature of featuresOf(key, child as AstNode)) found.set(feature.name, feature);
      }
      visit(child);
    }
  };
  if (node !== null && typeof node === "object") visit(node);
  return [...found.values()];
}

/**
 * A statement uses SQL that the PostgreSQL version being linted for (`--server-version`, the
 * target's, or `lint.server_version`) does not have: the migration fails there with a syntax
 * error or an unknown option. drydock parses with a newer grammar and rehearses on a newer
 * embedded server, so neither notices. Each feature's version is from the PostgreSQL release
 * notes (https://www.postgresql.org/docs/release/) or the commit that added it. Only SQL the
 * parser sees is checked: function bodies written as strings (PL/pgSQL, `AS $$ … $$`) and DO
 * blocks are not.
 */
export const requiresNewerServer = defineRule({
  id: "requires-newer-server",
  category: "correctness",
  severity: "error",
  summary: "A statement uses SQL the target PostgreSQL version does not have (MERGE before 15, JSON_TABLE before 17, …)",
  why: "The server rejects the statement, so the migration fails on it; a rehearsal on a newer PostgreSQL, such as drydock's embedded one, passes and does not show it.",
  alternative:
    "Lint for the version the migration really runs on, and either upgrade the server (then raise lint.server_version) or write the statement the older way.",
  check({ node, serverMajor, report }) {
    const missing = featuresIn(node)
      .filter((feature) => feature.since > serverMajor)
      .sort((a, b) => b.since - a.since);
    if (missing.length === 0) return;
    const needs = missing.map((feature) => `${feature.name} needs PostgreSQL ${feature.since}`).join(", ");
    const olderWays = missing.flatMap((feature) => (feature.olderWay ? [`${feature.name}: ${feature.olderWay}`] : []));
    report({
      message: `${needs} (linting for ${serverMajor})`,
      why: `PostgreSQL ${serverMajor} rejects the statement, so the migration fails there; a rehearsal on a newer PostgreSQL, such as drydock's embedded one, passes.`,
      alternative: [
        `Run on PostgreSQL ${missing[0]?.since ?? serverMajor} or later (and set lint.server_version to it)`,
        ...(olderWays.length > 0 ? [`or write it the older way: ${olderWays.join("; ")}`] : []),
      ].join(", "),
    });
  },
});
