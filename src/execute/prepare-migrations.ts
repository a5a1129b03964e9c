import { InputError } from "../errors/drydock-error.js";
import type { Migration, MigrationScript } from "../model/migration.js";
import { loadParser, type ParsedScript, parseSql, parseSqlLoaded } from "../parse/parse-sql.js";
import { readDirectives } from "../plan/directives.js";
import { decideTransactionMode, firstRefusedInsideBlock } from "../plan/transaction-mode.js";
import type { PreparedMigration } from "./prepared-migration.js";

/**
 * Parses each migration's up script and decides how it runs. Throws at the first syntax error
 * (file:line:column), before anything touches a database.
 */
export async function prepareMigrations(migrations: readonly Migration[]): Promise<PreparedMigration[]> {
  const prepared: PreparedMigration[] = [];
  for (const migration of migrations) prepared.push(await prepareScript(migration, migration.up));
  return prepared;
}

/**
 * Parses the down scripts of migrations, in the order given (a rollback passes them newest
 * first). A migration without a down script is refused: the caller decides what that means.
 */
export async function prepareDownMigrations(migrations: readonly Migration[]): Promise<PreparedMigration[]> {
  const prepared: PreparedMigration[] = [];
  for (const migration of migrations) {
    if (!migration.down) {
      throw new InputError(`migration ${migration.version} has no down migration`, {
        location: { file: migration.up.file, line: 1, column: 1 },
        hint: "Write its down script (a .down.sql file or a down section) to make it reversible.",
      });
    }
    prepared.push(await prepareScript(migration, migration.down));
  }
  return prepared;
}

/**
 * Prepares migrations that a plan has already parsed without a syntax error, parsing each
 * script only when it is first used: `runMigrations` parses the next migration while the
 * server runs the current one instead of all of them before the first. A statement refused
 * inside the file's own transaction block still throws its InputError, when first used.
 */
export async function prepareMigrationsOnDemand(migrations: readonly Migration[]): Promise<PreparedMigration[]> {
  await loadParser();
  return migrations.map((migration) => {
    let ready: PreparedMigration | undefined;
    const prepare = () => {
      ready ??= prepareParsed(migration, migration.up, parseSqlLoaded(migration.up.file, migration.up.sql));
      return ready;
    };
    return {
      migration,
      file: migration.up.file,
      get script() {
        return prepare().script;
      },
      get mode() {
        return prepare().mode;
      },
    };
  });
}

async function prepareScript(migration: Migration, source: MigrationScript): Promise<PreparedMigration> {
  return prepareParsed(migration, source, await parseSql(source.file, source.sql));
}

function prepareParsed(migration: Migration, source: MigrationScript, script: ParsedScript): PreparedMigration {
  const refused = firstRefusedInsideBlock(script.statements);
  if (refused) {
    throw new InputError(`${refused.refused} inside the file's own transaction block cannot run`, {
      location: { file: source.file, line: refused.statement.line, column: refused.statement.column },
      sourceLine: script.lines.lineText(refused.statement.line),
      hint: `PostgreSQL refuses it inside the BEGIN at line ${refused.opened.line}. Remove BEGIN/COMMIT around it, or move it to a migration of its own. Nothing was applied.`,
    });
  }
  const directives = readDirectives(source.file, source.sql);
  const mode = decideTransactionMode(script.statements, {
    noTransactionDirective: directives.noTransaction,
    formatAllowsTransaction: source.formatAllowsTransaction,
  });
  return { migration, file: source.file, script, mode };
}

/** Names of the extensions the scripts create (`CREATE EXTENSION`), for engines that preload them. */
export function extensionsCreated(prepared: readonly { script: ParsedScript }[]): string[] {
  const names = new Set<string>();
  for (const { script } of prepared) {
    for (const statement of script.statements) {
      const create = statement.node.CreateExtensionStmt as { extname?: string } | undefined;
      if (create?.extname) names.add(create.extname);
    }
  }
  return [...names].sort();
}
