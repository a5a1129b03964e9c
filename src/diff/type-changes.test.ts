import { describe, expect, it } from "vitest";
import type { CompositeTypeSnapshot, DomainSnapshot } from "../model/snapshot.js";
import { droppedAttributes, typeChanges } from "./type-changes.js";

const base = { schema: "app", comment: null };

function domain(extra: Partial<DomainSnapshot> = {}): DomainSnapshot {
  return {
    ...base,
    name: "email",
    kind: "domain",
    base_type: "text",
    not_null: false,
    default: null,
    collation: null,
    constraints: [],
    ...extra,
  };
}

function composite(...attributes: [string, string][]): CompositeTypeSnapshot {
  return {
    ...base,
    name: "pair",
    kind: "composite",
    attributes: attributes.map(([name, type], index) => ({ name, type, position: index + 1, collation: null })),
  };
}

describe("typeChanges", () => {
  it("changes a domain's constraints, default and NOT NULL in place, a changed constraint dropped first", () => {
    const was = domain({ constraints: [{ name: "has_at", definition: "CHECK ((VALUE ~~ '%@%'::text))", is_valid: true }] });
    const now = domain({
      not_null: true,
      default: "''::text",
      constraints: [
        { name: "has_at", definition: "CHECK ((VALUE ~~ '%_@_%'::text))", is_valid: true },
        { name: "short", definition: "CHECK ((length(VALUE) < 255)) NOT VALID", is_valid: false },
      ],
    });
    expect(typeChanges(was, now)).toEqual([
      'ALTER DOMAIN "app"."email" DROP CONSTRAINT "has_at";',
      `ALTER DOMAIN "app"."email" SET DEFAULT ''::text;`,
      'ALTER DOMAIN "app"."email" SET NOT NULL;',
      `ALTER DOMAIN "app"."email" ADD CONSTRAINT "has_at" CHECK ((VALUE ~~ '%_@_%'::text));`,
      'ALTER DOMAIN "app"."email" ADD CONSTRAINT "short" CHECK ((length(VALUE) < 255)) NOT VALID;',
    ]);
    expect(typeChanges(now, was)).toEqual([
      'ALTER DOMAIN "app"."email" DROP CONSTRAINT "has_at";',
      'ALTER DOMAIN "app"."email" DROP CONSTRAINT "short";',
      'ALTER DOMAIN "app"."email" DROP DEFAULT;',
      'ALTER DOMAIN "app"."email" DROP NOT NULL;',
      `ALTER DOMAIN "app"."email" ADD CONSTRAINT "has_at" CHECK ((VALUE ~~ '%@%'::text));`,
    ]);
  });

  it("alters a composite type's attributes and adds new ones last; the drops are marked destructive", () => {
    const was = composite(["a", "integer"], ["b", "text"], ["c", "text"]);
    const now = composite(["a", "bigint"], ["c", "text"], ["d", "date"]);
    expect(typeChanges(was, now)).toEqual(['ALTER TYPE "app"."pair" ALTER ATTRIBUTE "a" TYPE bigint, ADD ATTRIBUTE "d" date CASCADE;']);
    expect(droppedAttributes(was, now)).toEqual([
      '-- destructive: attribute b of type app.pair\nALTER TYPE "app"."pair" DROP ATTRIBUTE "b" CASCADE;',
    ]);
  });

  it("leaves a composite type alone when ALTER cannot give its new attribute order", () => {
    const was = composite(["a", "integer"], ["b", "text"]);
    const now = composite(["b", "text"], ["a", "integer"]);
    const inserted = composite(["a", "integer"], ["new", "text"], ["b", "text"]);
    for (const after of [now, inserted]) {
      expect(typeChanges(was, after)).toEqual([]);
      expect(droppedAttributes(was, after)).toEqual([]);
    }
  });
});
