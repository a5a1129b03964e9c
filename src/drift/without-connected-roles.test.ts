import { describe, expect, it } from "vitest";
import { columnSnapshot, emptySnapshot, functionSnapshot, schemaSnapshot, tableSnapshot } from "../../test/support/snapshot-builders.js";
import { withoutConnectedRoles } from "./without-connected-roles.js";

describe("withoutConnectedRoles", () => {
  const grant = (grantee: string, privilege = "SELECT") => ({ grantee, privilege, grantable: false });

  it("drops the connected roles' ownership and grants, and keeps everyone else's", () => {
    const snapshot = emptySnapshot({
      schemas: [schemaSnapshot("app", { owner: "app_role", grants: [grant("app_role", "CREATE"), grant("reader", "USAGE")] })],
      tables: [
        tableSnapshot("users", {
          owner: "app_role",
          columns: [columnSnapshot("email", 1, "text", { grants: [grant("app_role", "UPDATE"), grant("reader")] })],
          grants: [grant("reader"), grant("app_role", "TRUNCATE")],
        }),
        tableSnapshot("audit", { owner: "dba" }),
      ],
      functions: [functionSnapshot("touch", { owner: "app_role", grants: [grant("PUBLIC", "EXECUTE")] })],
    });
    const stripped = withoutConnectedRoles(snapshot, new Set(["app_role"]));
    expect(stripped.schemas).toEqual([schemaSnapshot("app", { grants: [grant("reader", "USAGE")] })]);
    expect(stripped.tables[0]).toEqual(
      tableSnapshot("users", { columns: [columnSnapshot("email", 1, "text", { grants: [grant("reader")] })], grants: [grant("reader")] }),
    );
    expect(stripped.tables[1]?.owner).toBe("dba");
    expect(stripped.functions[0]).toEqual(functionSnapshot("touch", { grants: [grant("PUBLIC", "EXECUTE")] }));
    expect(Object.keys(stripped.tables[0] ?? {})).toEqual(Object.keys(tableSnapshot("users")));
  });

  it("changes nothing without connected roles", () => {
    const snapshot = emptySnapshot({ tables: [tableSnapshot("users", { owner: "app_role", grants: [grant("app_role")] })] });
    expect(withoutConnectedRoles(snapshot, new Set())).toEqual(snapshot);
  });
});
