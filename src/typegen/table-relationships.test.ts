import { describe, expect, it } from "vitest";
import { constraintSnapshot, foreignKeySnapshot, indexSnapshot, tableSnapshot } from "../../test/support/snapshot-builders.js";
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
  const fk = (name: string, columns: string[], table: string) =>
    constraintSnapshot(name, "foreign key", columns, { foreign_key: foreignKeySnapshot(table, ["id"]) });
  const index = (definition: string, predicate: string | null = null) => indexSnapshot("i", definition, { is_unique: true, predicate });

  it("is one-to-one when a full unique index covers exactly the key's columns, not a partial one", () => {
    const relationships = tableRelationships(
      tableSnapshot("profiles", {
        constraints: [
          fk("z_user_fk", ["user_id"], "app.users"),
          fk("a_org_fk", ["org_id"], 'app."Orgs"'),
          fk("other_fk", ["x"], "auth.users"),
        ],
        indexes: [
          index("CREATE UNIQUE INDEX i ON app.profiles USING btree (user_id)"),
          index("CREATE UNIQUE INDEX i ON app.profiles USING btree (org_id)", "(x > 0)"),
        ],
      }),
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
