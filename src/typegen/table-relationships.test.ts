import { describe, expect, it } from "vitest";
import type { ConstraintSnapshot, IndexSnapshot, TableSnapshot } from "../model/snapshot.js";
import { renderTsType } from "./render-ts-type.js";
import { indexColumns, tableRelationships } from "./table-relationships.js";

describe("indexColumns", () => {
  it.each([
    ["CREATE UNIQUE INDEX a_key ON public.a USING btree (user_id)", ["user_id"]],
    ['CREATE UNIQUE INDEX a_key ON public.a USING btree (org_id, "Kind" DESC NULLS LAST) INCLUDE (x)', ["org_id", "Kind"]],
    ['CREATE UNIQUE INDEX a_key ON public.a USING btree (name COLLATE "C" text_pattern_ops)', ["name"]],
  ])("reads the key columns of %s", (definition, columns) => {
    expect(indexColumns(definition)).toEqual(columns);
  });

  it.each([
    "CREATE UNIQUE INDEX a_key ON public.a USING btree (lower(email))",
    "CREATE UNIQUE INDEX a_key ON public.a USING btree (org_id, ((data ->> 'id'::text)))",
  ])("refuses keys with expressions: %s", (definition) => {
    expect(indexColumns(definition)).toBeNull();
  });
});

describe("tableRelationships", () => {
  const fk = (name: string, columns: string[], table: string): ConstraintSnapshot => ({
    name,
    type: "foreign key",
    definition: "",
    columns,
    is_valid: true,
    deferrable: false,
    initially_deferred: false,
    foreign_key: { table, columns: ["id"], on_update: "no action", on_delete: "no action", match: "simple" },
    comment: null,
  });
  const index = (definition: string, predicate: string | null = null): IndexSnapshot => ({
    name: "i",
    definition,
    method: "btree",
    is_unique: true,
    is_primary: false,
    is_valid: true,
    predicate,
    constraint: null,
    comment: null,
  });
  const table = (constraints: ConstraintSnapshot[], indexes: IndexSnapshot[]): TableSnapshot => ({
    schema: "app",
    name: "profiles",
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns: [],
    constraints,
    indexes,
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
  });

  it("is one-to-one when a full unique index covers exactly the key's columns, not a partial one", () => {
    const relationships = tableRelationships(
      table(
        [fk("z_user_fk", ["user_id"], "app.users"), fk("a_org_fk", ["org_id"], 'app."Orgs"'), fk("other_fk", ["x"], "auth.users")],
        [
          index("CREATE UNIQUE INDEX i ON app.profiles USING btree (user_id)"),
          index("CREATE UNIQUE INDEX i ON app.profiles USING btree (org_id)", "(x > 0)"),
        ],
      ),
    );
    const text = renderTsType(relationships);
    expect(text.indexOf('"a_org_fk"')).toBeLessThan(text.indexOf('"z_user_fk"'));
    expect(text).toContain('foreignKeyName: "a_org_fk"\n    columns: ["org_id"]\n    isOneToOne: false\n    referencedRelation: "Orgs"\n');
    expect(text).toContain(
      'foreignKeyName: "z_user_fk"\n    columns: ["user_id"]\n    isOneToOne: true\n    referencedRelation: "users"\n',
    );
    expect(text).not.toContain("other_fk");
  });
});
