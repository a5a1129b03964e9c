import { arrayOf, propertyKey } from "./ts-syntax.js";

/**
 * A TypeScript type to write out: a type already written (`string | null`), an object type, a
 * tuple, an array or a union. Kept as data so that the layout (one member a line, two spaces
 * a level, no semicolons, as supabase's generator prints after prettier) lives in one place.
 */
export type TsType = string | TsObject | TsTuple | TsArray | TsUnion;

/** `{ key: type … }`, one property a line. */
export interface TsObject {
  kind: "object";
  properties: TsProperty[];
  /** Written as `{ [_ in never]: never }` when it has no property (the sections of a schema). */
  isNeverWhenEmpty?: boolean;
}

/** One property of an object type; optional ones are written `key?:`. */
export interface TsProperty {
  key: string;
  type: TsType;
  isOptional?: boolean;
}

/** `[a, b]`, one item a line (the `Relationships` of a table). */
export interface TsTuple {
  kind: "tuple";
  items: TsType[];
}

/** `T[]` (a set-returning function's result). */
export interface TsArray {
  kind: "array";
  element: TsType;
}

/** `A | B`; a union of objects is written one member a line (the overloads of a function). */
export interface TsUnion {
  kind: "union";
  members: TsType[];
}

/** An object type of these properties. */
export function tsObject(properties: TsProperty[], options: { isNeverWhenEmpty?: boolean } = {}): TsObject {
  return { kind: "object", properties, ...(options.isNeverWhenEmpty ? { isNeverWhenEmpty: true } : {}) };
}

/** Writes a type whose first line continues a line indented by `indent`. */
export function renderTsType(type: TsType, indent = ""): string {
  if (typeof type === "string") return type;
  const inner = `${indent}  `;
  switch (type.kind) {
    case "object": {
      if (type.properties.length === 0) return type.isNeverWhenEmpty ? `{\n${inner}[_ in never]: never\n${indent}}` : "{}";
      const lines = type.properties.map((property) => {
        const value = renderTsType(property.type, inner);
        const separator = value.startsWith("\n") ? "" : " ";
        return `${inner}${propertyKey(property.key)}${property.isOptional ? "?" : ""}:${separator}${value}`;
      });
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
    case "tuple":
      if (type.items.length === 0) return "[]";
      return `[\n${type.items.map((item) => `${inner}${renderTsType(item, inner)},`).join("\n")}\n${indent}]`;
    case "array": {
      const element = renderTsType(type.element, indent);
      return typeof type.element === "string" ? arrayOf(element) : type.element.kind === "union" ? `(${element})[]` : `${element}[]`;
    }
    case "union": {
      if (type.members.length === 1 && type.members[0] !== undefined) return renderTsType(type.members[0], indent);
      if (type.members.every((member) => typeof member === "string")) return type.members.join(" | ");
      return type.members.map((member) => `\n${inner}| ${renderTsType(member, `${inner}  `)}`).join("");
    }
  }
}
