import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/** Text types by their catalog name (`varchar` is character varying, `bpchar` is char(n)); bytea is not one. */
const textTypes = new Set(["text", "varchar", "bpchar", "citext"]);

/** Secret-like names as word sequences of a column name split at `_` and camelCase. */
const secretTerms: readonly string[][] = [
  ["password"],
  ["passwords"],
  ["passwd"],
  ["secret"],
  ["secrets"],
  ["token"],
  ["tokens"],
  ["credential"],
  ["credentials"],
  ["apikey"],
  ["apikeys"],
  ["api", "key"],
  ["api", "keys"],
  ["access", "key"],
  ["access", "keys"],
  ["private", "key"],
  ["private", "keys"],
  ["connection", "string"],
  ["conn", "str"],
  ["conn", "string"],
];

/** A word anywhere in the name that says the value is not the secret itself. */
const protectedWords = new Set(["hash", "hashed", "hashes", "digest", "encrypted", "enc", "ciphertext"]);

/** A word right after the term that makes the column describe the secret (`token_type`, `api_key_id`). */
const metadataWords = new Set([
  "id",
  "ids",
  "type",
  "kind",
  "name",
  "hint",
  "prefix",
  "suffix",
  "last4",
  "length",
  "count",
  "version",
  "status",
  "expires",
  "expiry",
  "expiration",
  "at",
]);

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
}

/** The secret-like term a column name uses, or null. */
function secretTermOf(columnName: string): string | null {
  const words = wordsOf(columnName);
  if (words.some((word) => protectedWords.has(word))) return null;
  for (let start = 0; start < words.length; start++) {
    for (const term of secretTerms) {
      const end = start + term.length;
      if (term.every((word, offset) => words[start + offset] === word) && !metadataWords.has(words[end] ?? "")) return term.join("_");
    }
  }
  return null;
}

/** The ColumnDefs of a CREATE TABLE, or of the ADD COLUMN commands of an ALTER TABLE. */
function columnsAddedBy(kind: string, statement: AstNode): AstNode[] {
  const definitions =
    kind === "CreateStmt"
      ? listOf(statement.tableElts)
      : kind === "AlterTableStmt"
        ? listOf(statement.cmds)
            .map((entry) => unwrap(entry)[1])
            .filter((command) => command.subtype === "AT_AddColumn")
            .map((command) => command.def)
        : [];
  return definitions
    .map((definition) => unwrap(definition))
    .filter(([definitionKind]) => definitionKind === "ColumnDef")
    .map(([, column]) => column);
}

/**
 * A password, token, API key or connection string kept in a text column is readable by everyone
 * who can read the table, and by everyone who gets a backup, a replica, a dump or a log of it.
 * Passwords belong in a slow hash, tokens and keys in a digest, secrets the application must read
 * back in encrypted bytea or a secrets store. Names that say hash, digest or encrypted are
 * exempt, and so are names that describe the secret (`token_type`, `api_key_id`).
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 */
export const plaintextSecretColumn = defineRule({
  id: "plaintext-secret-column",
  category: "security",
  severity: "warning",
  summary: "a text column named like a password, token, API key or connection string stores the secret in plain text",
  why: "Everyone who can read the table, a backup, a replica or a dump of it reads the secret itself and can use it.",
  alternative:
    "Store a hash instead (a slow hash such as bcrypt or argon2 for passwords, SHA-256 for tokens and API keys) in a column named *_hash, or encrypt the value into bytea; if it is not a secret, say so with -- drydock:allow plaintext-secret-column <reason>.",
  check({ node, qualify, report }) {
    const [kind, statement] = unwrap(node);
    const columns = columnsAddedBy(kind, statement);
    if (columns.length === 0) return;
    const table = qualify(statement.relation);
    for (const column of columns) {
      const type = names((column.typeName as AstNode | undefined)?.names).at(-1) ?? "";
      if (!textTypes.has(type)) continue;
      const term = secretTermOf(String(column.colname));
      if (!term) continue;
      const isArray = listOf((column.typeName as AstNode).arrayBounds).length > 0;
      report({
        message: `column ${table}.${String(column.colname)} (${type === "bpchar" ? "char" : type}${isArray ? "[]" : ""}) is named like a ${term.replace("_", " ")} and stores it as plain text`,
      });
    }
  },
});
