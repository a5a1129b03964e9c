import { describe, expect, it } from "vitest";
import { renderTsType, tsObject } from "./render-ts-type.js";

describe("renderTsType", () => {
  it("writes objects one property a line, with optional and quoted keys", () => {
    expect(
      renderTsType(
        tsObject([
          { key: "id", type: "number" },
          { key: "Display Name", type: "string | null", isOptional: true },
        ]),
      ),
    ).toBe('{\n  id: number\n  "Display Name"?: string | null\n}');
  });

  it("writes empty sections as a mapped type over never, and other empty objects as {}", () => {
    expect(renderTsType(tsObject([], { isNeverWhenEmpty: true }), "  ")).toBe("{\n    [_ in never]: never\n  }");
    expect(renderTsType(tsObject([]))).toBe("{}");
  });

  it("writes tuples with trailing commas, and arrays of objects", () => {
    expect(renderTsType({ kind: "tuple", items: [tsObject([{ key: "a", type: '["x"]' }])] })).toBe('[\n  {\n    a: ["x"]\n  },\n]');
    expect(renderTsType({ kind: "tuple", items: [] })).toBe("[]");
    expect(renderTsType({ kind: "array", element: tsObject([{ key: "a", type: "string" }]) })).toBe("{\n  a: string\n}[]");
    expect(renderTsType({ kind: "array", element: '"a" | "b"' })).toBe('("a" | "b")[]');
  });

  it("writes a union of objects one member a line", () => {
    const union = { kind: "union" as const, members: [tsObject([{ key: "a", type: "string" }]), tsObject([{ key: "b", type: "number" }])] };
    expect(renderTsType(tsObject([{ key: "f", type: union }]))).toBe(
      "{\n  f:\n    | {\n        a: string\n      }\n    | {\n        b: number\n      }\n}",
    );
  });
});
