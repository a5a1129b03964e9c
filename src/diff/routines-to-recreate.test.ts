import { describe, expect, it } from "vitest";
import { splitArguments } from "./routines-to-recreate.js";

describe("splitArguments", () => {
  it("splits at the commas outside parentheses, brackets and quotes, and sets defaults apart", () => {
    expect(
      splitArguments(
        `p_id uuid, "a, b" numeric(10,2) DEFAULT 1.5, p_tags text[] DEFAULT '{a,b}'::text[], OUT total bigint, VARIADIC rest integer[] DEFAULT ARRAY[1, 2]`,
      ),
    ).toEqual([
      { declaration: "p_id uuid", hasDefault: false },
      { declaration: '"a, b" numeric(10,2)', hasDefault: true },
      { declaration: "p_tags text[]", hasDefault: true },
      { declaration: "OUT total bigint", hasDefault: false },
      { declaration: "VARIADIC rest integer[]", hasDefault: true },
    ]);
  });

  it("reads a quote doubled inside a default as part of it", () => {
    expect(splitArguments(`p_note text DEFAULT 'it''s, fine', p_n integer`)).toEqual([
      { declaration: "p_note text", hasDefault: true },
      { declaration: "p_n integer", hasDefault: false },
    ]);
  });

  it("gives no argument for a routine without any", () => {
    expect(splitArguments("")).toEqual([]);
  });
});
