#!/usr/bin/env node
// Generates the name lists the static analysis uses to recognise what PostgreSQL itself provides:
//   src/analyze/catalog/pg-catalog-names.ts   functions, types and relations of pg_catalog and
//                                              information_schema, and the schemas every database has
//   src/analyze/catalog/extension-objects.ts  what each available extension creates
//
// Usage: node scripts/generate-catalog-names.mjs [--url postgres://postgres@127.0.0.1:5432/postgres]
//
// The server must let the role create and drop databases and create every extension (a superuser).
// The lists are read from a scratch database copied from template0, so nothing the server's admin
// added to template1 leaks in; the scratch database is dropped at the end, also on failure. Each
// extension is created inside a transaction that is rolled back, so extensions never see each other.
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

const defaultUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const outputDir = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "analyze", "catalog");
const regenerate = "node scripts/generate-catalog-names.mjs [--url <postgres url of a superuser, server with contrib>]";

const { values: flags } = parseArgs({ options: { url: { type: "string", default: defaultUrl } } });

/** Quotes an identifier the way quote_ident does for any name. */
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Sorts by UTF-16 code units (same as byte order for these ASCII names), never by locale. */
function sortedUnique(names) {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function literalList(names) {
  return `[${names.map((name) => JSON.stringify(name)).join(", ")}]`;
}

async function column(client, sql, params = []) {
  const { rows } = await client.query(sql, params);
  return sortedUnique(rows.map((row) => row.name));
}

const relationKinds = "('r', 'v', 'm', 'p', 'f', 'S')";

async function readCatalogNames(client) {
  return {
    functions: await column(client, "SELECT DISTINCT proname AS name FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace"),
    types: await column(client, "SELECT DISTINCT typname AS name FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace"),
    relations: await column(
      client,
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind IN ${relationKinds}`,
    ),
    informationSchemaRelations: await column(
      client,
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'information_schema'::regnamespace AND relkind IN ${relationKinds}`,
    ),
    schemas: await column(client, "SELECT nspname AS name FROM pg_namespace"),
  };
}

// Members of an extension are the objects with an 'e' (DEPENDENCY_EXTENSION) row in pg_depend.
// Array types and the row types of tables are skipped: they follow from their element type or
// table, and are never named in a migration by their typname.
const memberQueries = {
  functions: `SELECT p.proname AS name FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
    WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = $1 AND d.deptype = 'e'`,
  types: `SELECT t.typname AS name FROM pg_depend d JOIN pg_type t ON t.oid = d.objid LEFT JOIN pg_class c ON c.oid = t.typrelid
    WHERE d.classid = 'pg_type'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = $1 AND d.deptype = 'e'
      AND NOT (t.typcategory = 'A' AND t.typname LIKE '\\_%') AND (t.typrelid = 0 OR c.relkind = 'c')`,
  relations: `SELECT c.relname AS name FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = $1 AND d.deptype = 'e'
      AND c.relkind IN ${relationKinds}`,
};

async function readExtensionObjects(client) {
  const { rows: available } = await client.query(
    `SELECT a.name, a.default_version, coalesce(v.requires::text[], '{}') AS requires
     FROM pg_available_extensions a
     LEFT JOIN pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version
     ORDER BY a.name COLLATE "C"`,
  );
  const included = {};
  const skipped = [];
  for (const { name, default_version: version, requires } of available) {
    await client.query("BEGIN");
    try {
      // IF NOT EXISTS: plpgsql is already installed in every database copied from template0.
      await client.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)} CASCADE`);
      const { rows } = await client.query("SELECT oid FROM pg_extension WHERE extname = $1", [name]);
      const oid = rows[0].oid;
      included[name] = {
        version,
        requires: sortedUnique(requires),
        functions: await column(client, memberQueries.functions, [oid]),
        types: await column(client, memberQueries.types, [oid]),
        relations: await column(client, memberQueries.relations, [oid]),
      };
    } catch (error) {
      skipped.push({ name, reason: String(error.message).split("\n")[0] });
    } finally {
      await client.query("ROLLBACK");
    }
  }
  return { included, skipped };
}

function header(serverVersion, description) {
  return [
    `// Generated by scripts/generate-catalog-names.mjs from PostgreSQL ${serverVersion}. Do not edit.`,
    `// Regenerate: ${regenerate}`,
    `// ${description}`,
  ].join("\n");
}

// One line per list keeps the file compact; biome would otherwise put every name on its own line.
const keepLayout = "// biome-ignore format: generated, one line per list";

function renderCatalogModule(serverVersion, names) {
  const constant = (doc, name, values) =>
    `/** ${doc} */\n${keepLayout}\nexport const ${name}: readonly string[] = ${literalList(values)};\n`;
  return [
    `${header(serverVersion, "Names PostgreSQL provides in every database, read from a database created from template0.")}\n`,
    constant(
      "Function names in pg_catalog (`pg_proc.proname`, distinct): plain functions, aggregates, window functions.",
      "pgCatalogFunctions",
      names.functions,
    ),
    constant(
      "Type names in pg_catalog (`pg_type.typname`), including array types (`_int4`) and the row types of catalog tables.",
      "pgCatalogTypes",
      names.types,
    ),
    constant(
      "Relations in pg_catalog (`pg_class.relname`, relkind r, v, m, p, f, S): tables, views and sequences.",
      "pgCatalogRelations",
      names.relations,
    ),
    constant(
      "Relations in information_schema (`pg_class.relname`, relkind r, v, m, p, f, S), named as `information_schema.<name>`.",
      "informationSchemaRelations",
      names.informationSchemaRelations,
    ),
    constant(
      "Schemas of a database just created from template0 (`pg_namespace.nspname`). `public` can be dropped; the others cannot.",
      "alwaysPresentSchemas",
      names.schemas,
    ),
  ].join("\n");
}

function renderExtensionModule(serverVersion, { included, skipped }) {
  const skippedLines = skipped.length ? skipped.map(({ name, reason }) => `//   ${name}: ${reason}`) : ["//   (none)"];
  const objectLines = Object.entries(included).map(
    ([name, o]) =>
      `  ${JSON.stringify(name)}: { functions: ${literalList(o.functions)}, types: ${literalList(o.types)}, relations: ${literalList(o.relations)} },`,
  );
  const requiresLines = Object.entries(included).map(([name, o]) => `  ${JSON.stringify(name)}: ${literalList(o.requires)},`);
  return `${header(serverVersion, "Objects each extension of pg_available_extensions creates, from pg_depend rows with deptype 'e'.")}
// Extensions whose CREATE EXTENSION failed on that server, and so are not listed:
${skippedLines.join("\n")}

/** The names an extension's objects are created under. */
export interface ExtensionObjectNames {
  /** \`pg_proc.proname\` of its functions, aggregates and procedures. */
  functions: readonly string[];
  /** \`pg_type.typname\` of its base, enum, domain, range and composite types (no array or table row types). */
  types: readonly string[];
  /** \`pg_class.relname\` of its tables, views, materialized views, sequences and foreign tables. */
  relations: readonly string[];
}

/**
 * What \`CREATE EXTENSION <name>\` (default version) creates, the extension's own objects only: the
 * extensions it requires (see \`extensionRequires\`) bring theirs, and CASCADE creates those too.
 */
${keepLayout}
export const extensionObjects: Record<string, ExtensionObjectNames> = {
${objectLines.join("\n")}
};

/** The extensions each one requires (\`pg_available_extension_versions.requires\` of the default version). */
${keepLayout}
export const extensionRequires: Record<string, readonly string[]> = {
${requiresLines.join("\n")}
};
`;
}

async function main() {
  const admin = new pg.Client({ connectionString: flags.url });
  await admin.connect();
  const scratchName = `drydock_catalog_names_${process.pid}_${Date.now()}`;
  let scratch;
  try {
    const { rows } = await admin.query("SHOW server_version");
    const serverVersion = rows[0].server_version;
    await admin.query(`CREATE DATABASE ${quoteIdent(scratchName)} TEMPLATE template0`);
    const scratchUrl = new URL(flags.url);
    scratchUrl.pathname = `/${encodeURIComponent(scratchName)}`;
    scratch = new pg.Client({ connectionString: scratchUrl.toString() });
    await scratch.connect();

    const names = await readCatalogNames(scratch);
    const extensions = await readExtensionObjects(scratch);

    const catalogFile = join(outputDir, "pg-catalog-names.ts");
    const extensionFile = join(outputDir, "extension-objects.ts");
    await writeFile(catalogFile, renderCatalogModule(serverVersion, names));
    await writeFile(extensionFile, renderExtensionModule(serverVersion, extensions));

    const included = Object.keys(extensions.included);
    console.log(`PostgreSQL ${serverVersion}`);
    console.log(
      `pg_catalog: ${names.functions.length} functions, ${names.types.length} types, ${names.relations.length} relations; ` +
        `information_schema: ${names.informationSchemaRelations.length} relations; schemas: ${names.schemas.join(", ")}`,
    );
    console.log(`extensions included (${included.length}): ${included.join(", ")}`);
    console.log(
      `extensions skipped (${extensions.skipped.length}): ${extensions.skipped.map((s) => `${s.name} (${s.reason})`).join(", ") || "none"}`,
    );
    console.log(`wrote ${catalogFile}\nwrote ${extensionFile}`);
  } finally {
    await scratch?.end().catch(() => {});
    // A failed drop is reported but does not hide the error that brought us here.
    await admin
      .query(`DROP DATABASE IF EXISTS ${quoteIdent(scratchName)} WITH (FORCE)`)
      .catch((error) => console.error(`could not drop scratch database ${scratchName}: ${error.message}`));
    await admin.end();
  }
}

try {
  await main();
} catch (error) {
  console.error(`generate-catalog-names: ${error.message}`);
  process.exitCode = 1;
}
