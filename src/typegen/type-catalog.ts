import type { DomainSnapshot, Snapshot, TypeSnapshot } from "../model/snapshot.js";
import { mapPgType, type TypeLookup } from "./map-pg-type.js";
import { parsePgType } from "./parse-pg-type.js";
import { stringLiteral } from "./ts-syntax.js";

/** What a column's domain adds to it: domains can forbid NULL and carry a default of their own. */
export interface DomainTraits {
  isNotNull: boolean;
  hasDefault: boolean;
}

/**
 * The types of one snapshot, for the generated file: references into `Database` for the enums,
 * composite types and row types of the schemas written out, the labels of enums of other
 * schemas inline (as supabase's generator does), domains as their base type.
 */
export class TypeCatalog implements TypeLookup {
  private readonly types = new Map<string, TypeSnapshot>();
  private readonly relations = new Map<string, "Tables" | "Views">();
  /** Domains being resolved, so that a (broken) cycle of domains ends as `unknown`. */
  private readonly resolving = new Set<string>();

  constructor(
    snapshot: Snapshot,
    private readonly emittedSchemas: ReadonlySet<string>,
  ) {
    for (const type of snapshot.types) this.types.set(key(type.schema, type.name), type);
    for (const table of snapshot.tables) this.relations.set(key(table.schema, table.name), "Tables");
    for (const view of snapshot.views) this.relations.set(key(view.schema, view.name), "Views");
  }

  /** The TypeScript of a type as `format_type()` prints it. */
  tsType(pgType: string): string {
    return mapPgType(pgType, this);
  }

  find(schema: string | null, name: string): string | undefined {
    const found = schema === null ? this.findUnqualified(name) : this.findQualified(schema, name);
    if (!found) return undefined;
    const [typeSchema, typeName] = found;
    const type = this.types.get(key(typeSchema, typeName));
    const isEmitted = this.emittedSchemas.has(typeSchema);
    const reference = (section: string) => `Database[${stringLiteral(typeSchema)}][${stringLiteral(section)}][${stringLiteral(typeName)}]`;
    if (!type) {
      const section = this.relations.get(key(typeSchema, typeName));
      return section && isEmitted ? `${reference(section)}["Row"]` : "unknown";
    }
    switch (type.kind) {
      case "enum":
        if (isEmitted) return reference("Enums");
        return type.labels.length > 0 ? type.labels.map(stringLiteral).join(" | ") : "never";
      case "composite":
        return isEmitted ? reference("CompositeTypes") : "unknown";
      case "range":
        return "string";
      case "domain":
        return this.resolveDomain(type);
    }
  }

  /** NOT NULL and DEFAULT of the domain a column is declared with, through domains over domains. */
  domainTraits(pgType: string): DomainTraits {
    const traits = { isNotNull: false, hasDefault: false };
    const seen = new Set<string>();
    let parsed = parsePgType(pgType);
    while (parsed.arrayDepth === 0 && parsed.schema !== null) {
      const type = this.types.get(key(parsed.schema, parsed.name));
      if (type?.kind !== "domain" || seen.has(key(type.schema, type.name))) break;
      seen.add(key(type.schema, type.name));
      traits.isNotNull ||= type.not_null;
      traits.hasDefault ||= type.default !== null;
      parsed = parsePgType(type.base_type);
    }
    return traits;
  }

  private resolveDomain(domain: DomainSnapshot): string {
    const id = key(domain.schema, domain.name);
    if (this.resolving.has(id)) return "unknown";
    this.resolving.add(id);
    try {
      return this.tsType(domain.base_type);
    } finally {
      this.resolving.delete(id);
    }
  }

  private findQualified(schema: string, name: string): [string, string] | undefined {
    const id = key(schema, name);
    return this.types.has(id) || this.relations.has(id) ? [schema, name] : undefined;
  }

  /** A bare name can only come from a snapshot not read by drydock; the first schema that has it wins. */
  private findUnqualified(name: string): [string, string] | undefined {
    const ids = [...this.types.keys(), ...this.relations.keys()].filter((id) => id.endsWith(`\u0000${name}`)).sort();
    const first = ids[0];
    if (first === undefined) return undefined;
    return [first.slice(0, first.indexOf("\u0000")), name];
  }
}

function key(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}
