import { defineRule } from "../rule.js";

/**
 * A table in a schema that clients reach directly (Supabase exposes `public` through PostgREST)
 * without row-level security serves every row to every role that has the table privilege. The
 * schemas come from `checks.rls.schemas`. Judged over the whole project: RLS may be enabled by a
 * later migration. https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 */
export const tableWithoutRls = defineRule({
  id: "table-without-rls",
  category: "security",
  severity: "error",
  summary: "a table in a schema listed in checks.rls.schemas never gets ROW LEVEL SECURITY",
  why: "Without row-level security, any role with the table privilege reads and writes every tenant's rows.",
  alternative: "ALTER TABLE … ENABLE ROW LEVEL SECURITY in the same migration, with policies for each role.",
  finish({ project, rlsSchemas, reportAt }) {
    for (const table of project.tables.values()) {
      const schema = table.name.slice(0, table.name.indexOf("."));
      if (!rlsSchemas.includes(schema) || table.rlsEnabled) continue;
      reportAt(table.file, table.line, table.column, {
        message: `${table.name} is in ${schema}, which requires RLS, and RLS is never enabled on it`,
      });
    }
  },
});
