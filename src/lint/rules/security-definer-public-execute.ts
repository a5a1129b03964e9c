import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { typeLabel } from "../../analyze/handlers/routines.js";
import type { LintProjectState, SourcePosition } from "../project-state.js";
import { defineRule, type StatementContext } from "../rule.js";

const ruleId = "security-definer-public-execute";

/** A function or procedure the project created (or made SECURITY DEFINER), where that happened last. */
interface RoutineState extends SourcePosition {
  kind: "function" | "procedure";
  isDefiner: boolean;
  /** RETURNS trigger / event_trigger: PostgreSQL refuses to call it other than as a trigger. */
  isTrigger: boolean;
  /** PUBLIC has no EXECUTE on it: revoked, or withheld by default privileges when it was created. */
  isRevoked: boolean;
}

/** What the rule remembers across statements and migrations: plain data, saved with the lint cache. */
interface PublicExecuteState {
  /** By the analyzer's signature name, `platform.decrypt(uuid)` (or `platform.decrypt` when only ALTERed, args unknown). */
  routines: Map<string, RoutineState>;
  /** `ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC` without IN SCHEMA is in force. */
  isRevokedByDefault: boolean;
  /** Schemas where a per-schema `ALTER DEFAULT PRIVILEGES … GRANT EXECUTE … TO PUBLIC` gives it back. */
  grantedByDefaultIn: Set<string>;
}

function stateOf(project: LintProjectState): PublicExecuteState {
  return project.ruleState(ruleId, () => ({ routines: new Map(), isRevokedByDefault: false, grantedByDefaultIn: new Set() }));
}

const routineObjects = new Set(["OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"]);

/** `ON ALL FUNCTIONS IN SCHEMA` leaves procedures alone and `ALL PROCEDURES` functions (checked on PostgreSQL 15). */
const kindsInSchema: Record<string, ReadonlySet<string>> = {
  OBJECT_FUNCTION: new Set(["function"]),
  OBJECT_PROCEDURE: new Set(["procedure"]),
  OBJECT_ROUTINE: new Set(["function", "procedure"]),
};

const baseName = (name: string) => name.replace(/\(.*$/s, "");
const schemaOf = (name: string) => name.slice(0, name.indexOf("."));

/**
 * PostgreSQL grants EXECUTE on every new function and procedure to PUBLIC, and a SECURITY DEFINER
 * routine runs with its owner's privileges, so unless EXECUTE is revoked from PUBLIC every role
 * that can connect can call it. Judged over the whole project (a later migration may revoke) and
 * reported at the statement that last made the routine SECURITY DEFINER (CREATE [OR REPLACE], or
 * ALTER FUNCTION … SECURITY DEFINER). A revoke is matched by the routine's name, whatever
 * arguments it names, so it covers every overload. `ON ALL … IN SCHEMA` covers the routines that
 * exist then; ALTER DEFAULT PRIVILEGES covers those created later, but only without IN SCHEMA:
 * per-schema default privileges are added to the global ones, which grant EXECUTE to PUBLIC, so a
 * per-schema REVOKE withholds nothing (checked on PostgreSQL 15). FOR ROLE is ignored, as if the
 * migrations' role created every routine. CREATE OR REPLACE keeps the routine's privileges.
 * https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY
 * https://www.postgresql.org/docs/current/sql-alterdefaultprivileges.html
 */
export const securityDefinerPublicExecute = defineRule({
  id: ruleId,
  category: "security",
  severity: "warning",
  summary: "a SECURITY DEFINER function or procedure keeps PostgreSQL's default EXECUTE for PUBLIC, so every role can call it",
  why: "PostgreSQL grants EXECUTE on every new function and procedure to PUBLIC, and a SECURITY DEFINER routine runs with its owner's privileges: every role that can connect can call it and do whatever it does as the owner.",
  alternative:
    "In the same migration as the CREATE: REVOKE ALL ON FUNCTION <name>(<args>) FROM PUBLIC; then GRANT EXECUTE ON FUNCTION <name>(<args>) TO <role> for the roles that should call it.",
  observe: remember,
  finish({ project, reportAt }) {
    for (const [name, routine] of stateOf(project).routines) {
      if (!routine.isDefiner || routine.isTrigger || routine.isRevoked) continue;
      const object = routine.kind === "procedure" ? "PROCEDURE" : "FUNCTION";
      reportAt(routine.file, routine.line, routine.column, {
        message: `SECURITY DEFINER ${routine.kind} ${name} keeps EXECUTE for PUBLIC: every role can call it with its owner's privileges`,
        alternative: `REVOKE ALL ON ${object} ${name} FROM PUBLIC; GRANT EXECUTE ON ${object} ${name} TO <role>; in the same migration as the CREATE.`,
      });
    }
  },
});

function remember(context: StatementContext): void {
  const state = stateOf(context.project);
  const { facts, node } = context;
  for (const dropped of facts.drops) {
    if (dropped.kind === "function" || dropped.kind === "procedure") {
      for (const name of matching(state, dropped.name)) state.routines.delete(name);
    }
    if (dropped.kind === "schema") {
      for (const name of [...state.routines.keys()]) if (schemaOf(name) === dropped.name) state.routines.delete(name);
    }
  }
  for (const rename of facts.renames) {
    if (rename.kind !== "function" && rename.kind !== "procedure") continue;
    for (const name of matching(state, rename.from)) {
      const routine = state.routines.get(name) as RoutineState;
      state.routines.delete(name);
      state.routines.set(`${baseName(rename.to)}${name.slice(baseName(name).length)}`, routine);
    }
  }
  const at: SourcePosition = { file: context.migration.migration.up.file, line: context.parsed.line, column: context.parsed.column };
  const [kind, fields] = unwrap(node);
  if (kind === "CreateFunctionStmt") rememberCreate(state, fields, facts.creates, at);
  if (kind === "AlterFunctionStmt") rememberAlter(state, fields, context.qualify, at);
  if (kind === "GrantStmt") applyGrant(state, fields, context.qualify);
  if (kind === "AlterDefaultPrivilegesStmt") applyDefaults(state, fields);
}

/**
 * The routines a DROP, RENAME or ALTER names: by signature when it gives one spelled as the
 * CREATE did, else every overload of the name with as many arguments (a type written another way,
 * `public.mood` for `mood`, must not leave a dropped routine behind, while `f()` is not `f(text)`:
 * PostgreSQL finds no such routine). A GRANT or REVOKE passes the bare name: every overload.
 */
function matching(state: PublicExecuteState, name: string): string[] {
  if (state.routines.has(name)) return [name];
  const base = baseName(name);
  const arity = arityOf(name);
  return [...state.routines.keys()].filter((key) => baseName(key) === base && (arity === null || [null, arity].includes(arityOf(key))));
}

/** How many arguments a signature name lists, or null when it lists none (`f`, not `f()`). */
function arityOf(name: string): number | null {
  const open = name.indexOf("(");
  if (open < 0) return null;
  const inside = name.slice(open + 1, -1).trim();
  // typeLabel prints no type modifiers, so a comma only ever separates arguments.
  return inside === "" ? 0 : inside.split(",").length;
}

function rememberCreate(
  state: PublicExecuteState,
  fields: AstNode,
  creates: ReadonlyArray<{ kind: string; name: string }>,
  at: SourcePosition,
): void {
  const created = creates.find((object) => object.kind === "function" || object.kind === "procedure");
  if (!created) return;
  const options = listOf(fields.options).map((entry) => unwrap(entry)[1]);
  const security = options.find((option) => option.defname === "security");
  const returnType = names((fields.returnType as AstNode | undefined)?.names);
  const previous = state.routines.get(created.name);
  state.routines.set(created.name, {
    ...at,
    kind: created.kind === "procedure" ? "procedure" : "function",
    isDefiner: unwrap(security?.arg)[1].boolval === true,
    isTrigger: ["trigger", "event_trigger"].includes(returnType[returnType.length - 1] ?? ""),
    // OR REPLACE keeps the existing routine's ACL; a new one gets the default privileges in force.
    isRevoked: fields.replace === true && previous ? previous.isRevoked : revokedForNew(state, schemaOf(created.name)),
  });
}

function revokedForNew(state: PublicExecuteState, schema: string): boolean {
  return state.isRevokedByDefault && !state.grantedByDefaultIn.has(schema);
}

/** ALTER FUNCTION … SECURITY DEFINER | INVOKER; a routine the project never created is assumed callable. */
function rememberAlter(state: PublicExecuteState, fields: AstNode, qualify: (relation: unknown) => string, at: SourcePosition): void {
  const security = listOf(fields.actions)
    .map((entry) => unwrap(entry)[1])
    .find((action) => action.defname === "security");
  if (!security) return;
  const isDefiner = unwrap(security.arg)[1].boolval === true;
  const name = routineName(fields.func as AstNode, qualify, { withArguments: true });
  const known = matching(state, name);
  for (const key of known) {
    const routine = state.routines.get(key) as RoutineState;
    state.routines.set(key, isDefiner && !routine.isDefiner ? { ...routine, ...at, isDefiner } : { ...routine, isDefiner });
  }
  if (known.length === 0 && isDefiner) {
    const kind = fields.objtype === "OBJECT_PROCEDURE" ? "procedure" : "function";
    state.routines.set(name, { ...at, kind, isDefiner, isTrigger: false, isRevoked: false });
  }
}

/** `schema.name(type, …)` as the analyzer names routines, or `schema.name` when the arguments are not given. */
function routineName(object: AstNode, qualify: (relation: unknown) => string, { withArguments }: { withArguments: boolean }): string {
  const parts = names(object.objname);
  const name = qualify({ schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined, relname: parts[parts.length - 1] });
  if (!withArguments || object.args_unspecified === true) return name;
  return `${name}(${listOf(object.objargs)
    .map((argument) => typeLabel(unwrap(argument)[1]))
    .join(", ")})`;
}

/** Whether a GRANT/REVOKE is about EXECUTE (or ALL) for PUBLIC, not only the grant option. */
function concernsPublicExecute(grant: AstNode): boolean {
  if (grant.is_grant !== true && grant.grant_option === true) return false;
  const privileges = listOf(grant.privileges).map((entry) => String(unwrap(entry)[1].priv_name).toLowerCase());
  if (privileges.length > 0 && !privileges.includes("execute")) return false;
  return listOf(grant.grantees).some((grantee) => unwrap(grantee)[1].roletype === "ROLESPEC_PUBLIC");
}

function applyGrant(state: PublicExecuteState, grant: AstNode, qualify: (relation: unknown) => string): void {
  if (!routineObjects.has(String(grant.objtype)) || !concernsPublicExecute(grant)) return;
  const isRevoked = grant.is_grant !== true;
  if (grant.targtype === "ACL_TARGET_ALL_IN_SCHEMA") {
    const schemas = new Set(names(grant.objects));
    const kinds = kindsInSchema[String(grant.objtype)] as ReadonlySet<string>;
    for (const [name, routine] of state.routines) {
      if (schemas.has(schemaOf(name)) && kinds.has(routine.kind)) routine.isRevoked = isRevoked;
    }
    return;
  }
  for (const object of listOf(grant.objects)) {
    const [kind, fields] = unwrap(object);
    if (kind !== "ObjectWithArgs") continue;
    // By name alone: the arguments as written rarely spell the types as the CREATE did.
    for (const name of matching(state, routineName(fields, qualify, { withArguments: false }))) {
      (state.routines.get(name) as RoutineState).isRevoked = isRevoked;
    }
  }
}

/** ALTER DEFAULT PRIVILEGES [FOR ROLE …] [IN SCHEMA …] GRANT|REVOKE EXECUTE ON FUNCTIONS|ROUTINES … PUBLIC. */
function applyDefaults(state: PublicExecuteState, fields: AstNode): void {
  const action = fields.action as AstNode | undefined;
  // PostgreSQL stores ON ROUTINES as ON FUNCTIONS, and either covers procedures too.
  if (action?.objtype !== "OBJECT_FUNCTION" || !concernsPublicExecute(action)) return;
  const isGrant = action.is_grant === true;
  const schemas = listOf(fields.options)
    .map((entry) => unwrap(entry)[1])
    .filter((option) => option.defname === "schemas")
    .flatMap((option) => names(unwrap(option.arg)[1].items));
  if (schemas.length === 0) {
    state.isRevokedByDefault = !isGrant;
    return;
  }
  for (const schema of schemas) {
    if (isGrant) state.grantedByDefaultIn.add(schema);
    else state.grantedByDefaultIn.delete(schema);
  }
}
