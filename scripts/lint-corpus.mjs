#!/usr/bin/env node
// Lints every set of the real migration corpus (../shared/corpus, see its README.md) with drydock's
// library and writes docs/lint-corpus.md: findings per set and rule, and the review of every
// error-level finding (the verdicts below were reached by reading the SQL; a group of findings
// that has none is printed as "not reviewed" and makes this script exit with code 1).
//
// Usage: npm run build && node scripts/lint-corpus.mjs [--corpus <dir>] [--out <file>]
//
// Each set is linted as its own project, configured as its set.json documents: the files in the
// `up` order (the script checks drydock discovers the same order), the psql variables as project
// variables (tastybytes-graphile's :DATABASE_OWNER placeholders), the search_path its runner uses,
// and PostgreSQL 15 (drydock's default lint.server_version, the version the corpus was applied on).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const defaultCorpus = resolve(repo, "../shared/corpus");
const regenerate = "npm run build && node scripts/lint-corpus.mjs";

if (!existsSync(join(repo, "dist/api/lint.js"))) {
  console.error("dist/ is missing: run `npm run build` first.");
  process.exit(2);
}
const { lint } = await import("../dist/api/lint.js");
const { discoverMigrations, parseConfig } = await import("../dist/index.js");

/**
 * search_path each set's own runner uses (SOURCE.md, prelude.sql), and the Supabase preset for the
 * Supabase project (so table-without-rls checks schema public).
 */
const setSettings = {
  onlook: { search_path: ["public", "extensions"], preset: "supabase" },
  "supabase-storage": { search_path: ["storage", "public", "extensions"] },
  "tastybytes-graphile": { search_path: ["app_public", "app_private", "app_hidden", "public"] },
};

/** The corpus sets, in name order: set.json facts plus the folder. */
export function corpusSets(root = defaultCorpus) {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "set.json")))
    .map((entry) => ({
      ...JSON.parse(readFileSync(join(root, entry.name, "set.json"), "utf8")),
      name: entry.name,
      dir: join(root, entry.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const tomlString = (value) => JSON.stringify(String(value));

/** The project drydock lints for a set, as a drydock.toml would describe it. */
export function corpusProject(set) {
  const settings = setSettings[set.name] ?? {};
  const lines = ["[project]", 'migrations = "migrations"'];
  if (settings.search_path) lines.push(`search_path = [${settings.search_path.map(tomlString).join(", ")}]`);
  if (settings.preset) lines.push(`preset = ${tomlString(settings.preset)}`);
  lines.push("[project.variables]", ...Object.entries(set.psql_vars ?? {}).map(([name, value]) => `${name} = ${tomlString(value)}`));
  const config = parseConfig(lines.join("\n"), `${set.name}/drydock.toml`);
  return { root: set.dir, configFile: null, config, migrationsDir: join(set.dir, "migrations"), environment: {} };
}

/** Lints one set; `migrations` are drydock's (up scripts with variables substituted). */
export async function lintCorpusSet(set) {
  const project = corpusProject(set);
  const { migrations } = await discoverMigrations({
    projectRoot: set.dir,
    migrationsDir: project.migrationsDir,
    variables: project.config.project.variables,
  });
  const order = migrations.map((migration) => migration.up.file);
  const sameOrder = order.length === set.up.length && order.every((file, index) => file === set.up[index]);
  const result = await lint(project);
  return { project, migrations, sameOrder, ...result };
}

// ---------------------------------------------------------------------------------------------
// Review of the error-level findings. Keys: rule id, then set name. Each verdict was reached by
// reading the statements; "fixed" groups are gone from the output and listed under `fixes`.

const reviews = {
  "index-not-concurrent": {
    hazard:
      "CREATE INDEX without CONCURRENTLY holds SHARE on a table an earlier migration created: every INSERT, UPDATE and DELETE on it waits for the whole build.",
    sets: {
      authelia:
        "V0007 drops and rebuilds the unique indexes of duo_devices, encryption, totp_configurations, webauthn_devices … in place; small tables in practice, but writes to each wait for its build.",
      "crates-io":
        "2014–2023 migrations index crates, versions, version_downloads, dependencies (crates.io's largest tables) in a transaction; crates.io's own later index migrations switch to CONCURRENTLY with run_in_transaction = false, which drydock accepts.",
      langfuse:
        "Prisma-generated CREATE INDEX on traces, observations, scores, api_keys …; langfuse later writes its index migrations by hand with CREATE INDEX CONCURRENTLY (98 in the set), which drydock accepts.",
      marquez:
        "Flyway migrations index runs, jobs, lineage_events, dataset_versions … in place; the set's one CONCURRENTLY index is accepted.",
      onlook: "drizzle-kit indexes usage_records and project_invitations, both created by earlier migrations.",
      openfga:
        "003 builds idx_reverse_lookup_user on tuple, the table every check reads and writes; openfga's own 006 replaces it with CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY.",
      "stellar-horizon":
        "indexes on history_trades, offers, accounts, trust_lines (the ingestion tables, written every ledger) built in a transaction; the set's CONCURRENTLY migrations are accepted.",
      "stripe-sync-engine": "indexes on stripe.invoices and stripe.disputes, which webhooks write continuously.",
      "supabase-storage":
        "0020 indexes storage.objects (every stored object) without CONCURRENTLY; the later storage migrations build their indexes CONCURRENTLY.",
      "tastybytes-graphile": "indexes on items, check_ins, friends, companies … created by earlier migrations.",
      umami:
        "03_metric_performance_index builds 17 indexes on website_event, session and event_data, the largest analytics tables, in one migration.",
    },
  },
  "add-foreign-key-validated": {
    hazard:
      "ADD FOREIGN KEY without NOT VALID scans the whole referencing table to check every row while holding SHARE ROW EXCLUSIVE on both tables.",
    sets: {
      authelia: "V0007 drops and re-adds the oauth2_* session keys: each re-add re-checks every row of its table.",
      "crates-io":
        "keys added to versions, dependencies, version_downloads, crate_owners …; the 2017 'ensure … cascade' migrations drop and re-add them; fk_versions_published_by is added in a statement after ADD COLUMN, so it scans versions although the column is all NULL.",
      langfuse:
        "Prisma AddForeignKey on existing tables, among them traces (traces_session_id_project_id_fkey) and observations; nothing is added NOT VALID.",
      marquez: "V63 drops and re-adds 39 keys with ON DELETE CASCADE on runs, jobs, dataset and lineage tables: each re-checks its table.",
      onlook:
        "drizzle-kit ADD CONSTRAINT … FOREIGN KEY on custom_domain_verification, preview_domains, deployments, frames (existing tables).",
      "tastybytes-graphile":
        "000162, 000220 and 000240 drop and re-add keys (for ON DELETE CASCADE) on check_ins, items, friends …: each re-checks its table.",
    },
  },
  "alter-column-type": {
    hazard: "ALTER COLUMN TYPE to a type that is not binary-coercible rewrites the table and its indexes under ACCESS EXCLUSIVE.",
    sets: {
      "crates-io":
        "USING string_to_array / decode and timestamp → date are rewrites; varchar → jsonb on versions too. (The 2025 timezones migration, 21 timestamp → timestamptz changes after SET timezone = 'UTC', is no longer reported: see the fixes.)",
      langfuse:
        'enum swaps with USING ("type"::text::"ObservationType_new"), int4 → float8, jsonb → json, text → enum: all rewrite (observations and scores are the largest tables).',
      marquez:
        "V30 varchar → timestamp and V73 USING created_at AT TIME ZONE 'UTC' on 18 columns: each rewrites its table (an expression is never a no-op).",
      onlook: "0018 changes frames.type from an enum to text: enum → text has no binary coercion, so the table is rewritten.",
      "stellar-horizon": "int8 → varchar on asset_stats and int4 → int8 on history_transactions (a very large table): rewrites.",
      "supabase-storage": "0022 int4 → int8 on the multipart upload tables: rewrites.",
      "tastybytes-graphile":
        "000161 text → short_text, a domain with a CHECK: PostgreSQL rewrites (ATColumnChangeRequiresRewrite is true for a domain with constraints).",
      umami:
        "varchar(6000) → jsonb, and three varchar(n) shrinks (200 → 50, 100 → 10): a shorter limit is not binary-coercible and is checked row by row.",
    },
  },
  "set-not-null": {
    hazard: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) proves it first.",
    sets: {
      "crates-io":
        "SET NOT NULL on versions, users, crate_owner_invitations … after backfills; three 2026 migrations wrap theirs in -- safety-assured and argue it is fast (or proven by a CHECK added by hand in production), which is a reviewer's judgement the file cannot show.",
      langfuse:
        "Prisma's SET NOT NULL after backfills on observations, scores, dataset tables, projects, audit_logs: full scans under ACCESS EXCLUSIVE.",
      marquez: "V61 SET NOT NULL on jobs.name after an UPDATE of every row.",
      onlook: "0004 SET NOT NULL on user_projects.role after backfilling it.",
      "stellar-horizon": "44 SET NOT NULL on two exp_asset_stats columns after an UPDATE of every row.",
      "tastybytes-graphile": "000028 SET NOT NULL on items.brand_id.",
      umami: "05_add_visit_id SET NOT NULL on website_event.visit_id, the largest table of the schema, after backfilling it.",
    },
  },
  "add-unique-constraint": {
    hazard: "ADD CONSTRAINT … UNIQUE / PRIMARY KEY (or ADD COLUMN … UNIQUE) builds its index while holding ACCESS EXCLUSIVE.",
    sets: {
      "crates-io": "ADD PRIMARY KEY / UNIQUE on versions, crate_owners, crate_downloads, badges …; no USING INDEX.",
      langfuse: "primary keys rebuilt as composite keys on trace_sessions and the dataset tables, without USING INDEX.",
      marquez: "ADD UNIQUE on datasets, dataset_versions, job_versions, jobs …, without USING INDEX.",
      onlook: "drizzle-kit ADD CONSTRAINT … UNIQUE on project_invitations and usage_records.",
      "stellar-horizon":
        "63 ADD COLUMN contract_id BYTEA UNIQUE on exp_asset_stats: the column is new but the unique index is built over every row.",
      "tastybytes-graphile": "ADD CONSTRAINT … UNIQUE on items and friend_requests.",
    },
  },
  "not-null-without-default": {
    hazard: "ADD COLUMN … NOT NULL without a DEFAULT fails with 'contains null values' as soon as the table has a row.",
    sets: {
      "crates-io":
        "2014 dumped migrations add users.gh_login, crate_owners.deleted and updated_at NOT NULL without defaults (it worked because the tables were still empty).",
      langfuse:
        "Prisma's own warning in the file says it: 'Added the required column … without a default value. This is not possible if the table is not empty.' (The two columns added after DELETE FROM project_memberships are no longer reported: see the fixes.)",
      marquez: "V2.1 adds job_versions.job_context_uuid UUID NOT NULL with no default.",
      onlook:
        "drizzle-kit adds custom_domain_verification.full_domain/txt_record and subscriptions.stripe_current_period_* NOT NULL with no default.",
      "tastybytes-graphile": "000158 adds item_edit_suggestions.type_id … NOT NULL with no default.",
    },
  },
  "add-check-validated": {
    hazard: "ADD CONSTRAINT … CHECK without NOT VALID, or a CHECK written on ADD COLUMN, scans every row under ACCESS EXCLUSIVE.",
    sets: {
      "crates-io":
        "teams_login_lowercase_ck added validated; 2026 add_version_zip_checksums adds two columns with CHECKs to versions, which scans it (checked: pg_stat_user_tables.seq_scan goes up by one).",
      "stellar-horizon": "history_trades amount checks re-added validated; ADD COLUMN … CHECK on accounts and history_trades.",
      "tastybytes-graphile": "CHECK constraints added validated to companies, items, users and friend_requests.",
    },
  },
  "add-column-volatile-default": {
    hazard:
      "ADD COLUMN whose value differs per row (volatile default, serial, stored generated column) rewrites the table under ACCESS EXCLUSIVE.",
    sets: {
      "crates-io":
        "DEFAULT random_string(26) (a plpgsql function created without a volatility, so VOLATILE) on emails and crate_owner_invitations, and a STORED generated column on versions.",
      "supabase-storage":
        "0003 adds objects.path_tokens GENERATED ALWAYS AS (string_to_array(name, '/')) STORED: every object row is rewritten.",
      "tastybytes-graphile": "000252 ADD COLUMN id serial to friends: every row draws a sequence value.",
    },
  },
  "security-definer-search-path": {
    hazard:
      "A SECURITY DEFINER function without SET search_path resolves names through the caller's search_path, so a caller who can create objects earlier on it runs code as the owner.",
    sets: {
      onlook:
        "user_has_project_access, user_has_canvas_access and project_changes read unqualified tables (user_projects, canvas, conversations) with no SET search_path; Supabase's own database linter reports the same (function_search_path_mutable).",
      "supabase-storage":
        "the prefix functions qualify their tables (storage.prefixes) but call unqualified functions and operators (unnest, split_part, ||, =) with no SET search_path; nothing sets it another way (no ALTER FUNCTION … SET, the ALTER USER … SET search_path in 0002 is the owner's default, not the caller's).",
    },
  },
  "transaction-control": {
    hazard: "A BEGIN … COMMIT of the file's own inside a migration drydock wraps makes it non-atomic.",
    sets: {
      langfuse:
        "Prisma enum swaps wrapped in BEGIN; … COMMIT; followed by more statements (an ALTER TABLE … DROP COLUMN): if that later statement fails, the enum swap stays committed and the migration is not recorded. Prisma itself sends the file as one multi-statement query, which is not atomic either once it contains COMMIT.",
    },
  },
};

/** Rule fixes made while reviewing: what was wrong, the test that pins it, and the effect on the corpus. */
const fixes = [
  {
    rule: "not-null-without-default",
    wrong:
      "a table emptied earlier in the same migration was treated as having rows. langfuse 20240807111359_add_organizations_main_migration copies project_memberships into organization_memberships, runs DELETE FROM project_memberships, then adds org_membership_id and role NOT NULL ('ok to be not null as it's a new column on a now empty table'). The rule now exempts a table the migration emptied (TRUNCATE, or DELETE without a row filter, also inside a CTE) and has not refilled since (INSERT, COPY FROM, MERGE).",
    test: "src/lint/rules/not-null-without-default.test.ts: accepts a table emptied by DELETE without WHERE / by TRUNCATE earlier; reports after DELETE … WHERE, DELETE of another table, DELETE then INSERT, TRUNCATE then COPY FROM, DELETE after the ADD COLUMN.",
    effect: "langfuse 11 → 9.",
  },
  {
    rule: "alter-column-type",
    wrong:
      "timestamp ↔ timestamptz was always a rewrite. Since PostgreSQL 12 it is not when the session time zone is UTC (TimestampTimestampTzRequiresRewrite), and crates-io 2025-02-17-133723_timezones starts with SET timezone = 'UTC' for exactly that (checked on 15: relfilenode unchanged). The rule now accepts the change when an earlier statement of the migration set a zero-offset zone (UTC, Etc/UTC, GMT, 0 …), nothing reset it, the server is 12+ and the new precision is absent or ≥ 6.",
    test: "src/lint/rules/alter-column-type.test.ts: accepts after SET timezone = 'UTC' / SET TIME ZONE 'Etc/UTC' / SET TIME ZONE 0; reports with no SET, Europe/Berlin, a RESET after the SET, timestamptz(3), PostgreSQL 11.",
    effect: "crates-io 26 → 5.",
  },
  {
    rule: "alter-column-type",
    wrong:
      'a type of the project\'s own written unqualified in one statement and schema-qualified in another counted as two types: onlook 0011 SET DATA TYPE "public"."verification_request_status" on a column created as "verification_request_status" was reported as a rewrite although it is the same type (a no-op). Unqualified non-built-in type names are now qualified through the search_path.',
    test: "src/lint/rules/alter-column-type.test.ts: accepts the same type of the project's own, written once unqualified and once schema-qualified (and still reports other.status).",
    effect: "onlook 2 → 1.",
  },
  {
    rule: "add-foreign-key-validated",
    wrong:
      "ADD COLUMN … REFERENCES on a column added without a default was reported as a scan. PostgreSQL marks such a key valid without checking any row, since every existing row holds NULL (transformFKConstraints with skipValidation; per column since PostgreSQL 13, per statement before). Measured on 15 with pg_stat_user_tables.seq_scan: no scan without a default, even beside another column with one; a scan with DEFAULT 1 or DEFAULT NULL, and a serial column's key is checked too (it fails on the existing rows). The existing test that expected a finding for this case was wrong and now expects none.",
    test: "src/lint/rules/add-foreign-key-validated.test.ts: accepts the column alone, beside another column with a default (15), and alone on 12; reports with DEFAULT, DEFAULT NULL, serial, and beside a default on 12.",
    effect: "marquez 49 → 40, tastybytes-graphile 20 → 15.",
  },
  {
    rule: "fk-without-index (project state, src/lint/project-state.ts)",
    wrong:
      "the project state did not follow RENAME COLUMN, DROP CONSTRAINT of a UNIQUE/PRIMARY KEY, or DROP COLUMN. tastybytes-graphile indexes check_ins(author) in 000010, renames the column to author_id in 000019 and re-adds the key on author_id in 000162: reported as unindexed (a false positive, likewise items.manufacturer_id); crates-io findings named columns renamed since. marquez V18 drops datasets_source_uuid_physical_name_key, and its index with it, but the state kept the index, hiding an unindexed key (a false negative). Indexes and keys now follow column renames, lose the constraint's index when it is dropped, and go away with a dropped column (as PostgreSQL drops them).",
    test: "src/lint/rules/fk-without-index.test.ts: 'follows columns and constraints as PostgreSQL does' (renamed column, dropped unique constraint, dropped key column, index that lost a column).",
    effect:
      "warnings: tastybytes-graphile 3 → 1, marquez 14 → 15; every fk-without-index finding now equals the database's own list of unindexed keys after applying the set (below).",
  },
];

/** What the warnings with high counts were checked against. */
const warningChecks = [
  "**rls-without-policy** (onlook 17, tastybytes-graphile 9, supabase-storage 5): each set was applied to PostgreSQL 15 (prelude, then every `up` file with psql) and the tables with `pg_class.relrowsecurity` and no `pg_policy` row listed: onlook has exactly these 17 public tables with RLS and no policy (conversations, messages, subscriptions, deployments …), tastybytes-graphile exactly these 9 (the app_private secrets tables and four check_in_* tables). The warnings are right: every role but the owner reads nothing from those tables; whether that is intended (server-side access only) is the project's call, recorded with `-- drydock:allow rls-without-policy <reason>`. No CREATE POLICY was missed: onlook's and tastybytes' policies are top-level statements on quoted or qualified names, which project state resolves. supabase-storage has 5 more such tables whose ENABLE ROW LEVEL SECURITY runs inside DO blocks (0038, 0045): drydock does not analyse DO bodies, so these are false negatives, not false positives.",
  "**fk-without-index** (langfuse 37, onlook 22, authelia 15, marquez 15, crates-io 11): after the project-state fix, the (table, columns) of every finding equals the database's list of foreign keys with no non-partial index leading with their columns (`pg_constraint` against `pg_index.indkey`), for every set applied (langfuse, crates-io, marquez, authelia, onlook, tastybytes-graphile); supabase-storage's 2 match too, its other 2 are on tables created in DO blocks.",
  "**not-idempotent-outside-transaction** (langfuse 69): 53 are hand-written CREATE INDEX CONCURRENTLY and 7 DROP INDEX CONCURRENTLY without IF NOT EXISTS / IF EXISTS, in migrations that must run outside a transaction; the other 9 are in the two files with their own BEGIN/COMMIT (restructure, monitor_severity…), which therefore run statement by statement. Correct.",
  "**policy-always-true** (tastybytes-graphile 11): SELECT policies USING (true) for public read of users, check_ins, companies …: intended for a public social app, which is what the warning asks a reviewer to confirm.",
  "**security-definer-public-execute** (onlook 2): each set with SECURITY DEFINER routines was applied to PostgreSQL 15 and the non-trigger SECURITY DEFINER routines whose `proacl` is the default or holds EXECUTE for PUBLIC listed: onlook has exactly these 2, `user_has_project_access(uuid, text[])` and `user_has_canvas_access(uuid, text[])` (0006_rls.sql, no REVOKE anywhere). True findings of low impact: any role, anon included, can call them, but they only answer whether auth.uid() (the caller) holds a role on a project, and the RLS policies that call them need EXECUTE for the querying roles anyway; REVOKE … FROM PUBLIC plus GRANT EXECUTE TO authenticated, or a `-- drydock:allow`, records that. tastybytes-graphile's 23 callable definers are all covered by 000001's `alter default privileges revoke all on functions from public` (the database agrees: none has EXECUTE for PUBLIC); supabase-storage's definers are all dropped by later migrations (0052 in DO blocks, 0059), and its database has none left.",
  "**plaintext-secret-column**: supabase-storage's objects.path_tokens is the object path split into segments, not a secret: a false positive of the name heuristic (a warning; left as is). The others are text columns named for passwords, secrets and tokens (langfuse secret_key and access_token, crates-io api_token, stripe client_secret …); some may hold hashes rather than the secret itself (the password columns), which a name-based rule cannot tell: the warning asks a reviewer to look, as designed.",
];

// ---------------------------------------------------------------------------------------------

const severityOrder = ["error", "warning", "info"];
const plural = { error: "errors", warning: "warnings", info: "info" };
/** A markdown table cell: pipes escaped. */
const cell = (text) => String(text).replace(/\|/g, "\\|");
const setLink = (set) => `[${set.name}](../../shared/corpus/${set.name}/SOURCE.md)`;

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function locations(findings, limit = 4) {
  const shown = findings.slice(0, limit).map((finding) => `\`${finding.file.replace(/^migrations\//, "")}:${finding.line}\``);
  return findings.length > limit ? `${shown.join(", ")} (+${findings.length - limit})` : shown.join(", ");
}

function render(results, corpusDir) {
  const sets = results.map((result) => result.set);
  const all = results.flatMap((result) => result.findings.map((finding) => ({ ...finding, set: result.set.name })));
  const out = [];
  const line = (text = "") => out.push(text);
  const total = (severity, list = all) => list.filter((finding) => finding.severity === severity).length;

  line("# drydock lint on the real migration corpus");
  line();
  line(
    `Generated by \`scripts/lint-corpus.mjs\` from \`${relative(repo, corpusDir) || corpusDir}\` (${sets.length} sets, ${results.reduce((sum, result) => sum + result.files, 0)} migrations). Regenerate with \`${regenerate}\`.`,
  );
  line();
  line(
    "Each set is linted through the library (`lint(project)`) as a project configured as its `set.json` says: its psql variables as project variables, the search_path its runner uses, PostgreSQL 15 (the version the corpus was applied on, and drydock's default `lint.server_version`). No finding is suppressed: the corpus has no `-- drydock:allow`.",
  );
  line();
  line("## Sets");
  line();
  line("| set | format | migrations | order = set.json `up` | search_path | variables | errors | warnings | info |");
  line("| --- | --- | ---: | --- | --- | --- | ---: | ---: | ---: |");
  for (const result of results) {
    const { set, project } = result;
    const variables = Object.keys(set.psql_vars ?? {}).join(", ") || "—";
    const preset = project.config.project.preset ? ` (preset ${project.config.project.preset})` : "";
    line(
      `| ${setLink(set)} | ${set.format} | ${result.files} | ${result.sameOrder ? "yes" : "**no**"} | ${project.config.project.search_path.join(", ")}${preset} | ${variables} | ${total("error", result.findings)} | ${total("warning", result.findings)} | ${total("info", result.findings)} |`,
    );
  }
  line(
    `| **total** | | ${results.reduce((sum, result) => sum + result.files, 0)} | | | | **${total("error")}** | **${total("warning")}** | **${total("info")}** |`,
  );
  line();
  line("## Findings per rule and set");
  line();
  line("Every finding of a rule has the rule's severity (no `[lint.rules]` overrides), so the rows are grouped by severity; `·` is none.");
  line();
  const header = sets.map((set) => set.name).join(" | ");
  line(`| rule | ${header} | total |`);
  line(`| --- | ${sets.map(() => "---:").join(" | ")} | ---: |`);
  for (const severity of severityOrder) {
    const rules = [...new Set(all.filter((finding) => finding.severity === severity).map((finding) => finding.rule))].sort();
    for (const rule of rules) {
      const cells = sets.map((set) => all.filter((finding) => finding.rule === rule && finding.set === set.name).length || "·");
      line(`| ${severity}: \`${rule}\` | ${cells.join(" | ")} | ${all.filter((finding) => finding.rule === rule).length} |`);
    }
    const subtotal = sets.map((set) => `**${all.filter((finding) => finding.severity === severity && finding.set === set.name).length}**`);
    line(`| **${plural[severity]}** | ${subtotal.join(" | ")} | **${total(severity)}** |`);
  }
  line(
    `| **all** | ${sets.map((set) => `**${all.filter((finding) => finding.set === set.name).length}**`).join(" | ")} | **${all.length}** |`,
  );
  line();

  line("## Review of error-level findings");
  line();
  line(
    "Every error-level finding on the corpus was read in its file, grouped by rule and set. Each group below is a true hazard for a table that already holds data in production, with the reason; false positives were fixed in the rule (next section) and are gone from the counts. Locations are relative to the set's `migrations/` folder.",
  );
  line();
  const unreviewed = [];
  const errorRules = [
    ...countBy(
      all.filter((finding) => finding.severity === "error"),
      (finding) => finding.rule,
    ).entries(),
  ].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [rule, count] of errorRules) {
    const review = reviews[rule];
    const bySet = sets.filter((set) => all.some((finding) => finding.rule === rule && finding.set === set.name));
    line(`### \`${rule}\` — ${count} finding${count === 1 ? "" : "s"} in ${bySet.length} set${bySet.length === 1 ? "" : "s"}`);
    line();
    if (review?.hazard) line(`${review.hazard}`);
    line();
    line("| set | findings | verdict | why | where |");
    line("| --- | ---: | --- | --- | --- |");
    for (const set of bySet) {
      const found = all.filter((finding) => finding.rule === rule && finding.set === set.name);
      const why = review?.sets?.[set.name];
      if (!why) unreviewed.push(`${rule} on ${set.name}`);
      line(`| ${set.name} | ${found.length} | ${why ? "true hazard" : "**not reviewed**"} | ${cell(why ?? "—")} | ${locations(found)} |`);
    }
    line();
  }
  for (const [rule, review] of Object.entries(reviews)) {
    for (const name of Object.keys(review.sets)) {
      if (!all.some((finding) => finding.rule === rule && finding.set === name))
        console.warn(`stale review: ${rule} on ${name} has no findings now`);
    }
  }

  line("## Rule fixes made during the review");
  line();
  line(
    "Each false positive (and one false negative found on the way) was fixed in the rule with a regression test taken from the corpus case:",
  );
  line();
  for (const fix of fixes) {
    line(`- **${fix.rule}**: ${fix.wrong} Test: ${fix.test} Corpus: ${fix.effect}`);
  }
  line();
  line("## Warnings with high counts, checked");
  line();
  for (const check of warningChecks) line(`- ${check}`);
  line();
  return { text: `${out.join("\n")}`, unreviewed };
}

async function main() {
  const { values } = parseArgs({
    options: { corpus: { type: "string", default: defaultCorpus }, out: { type: "string", default: join(repo, "docs/lint-corpus.md") } },
  });
  const corpusDir = resolve(values.corpus);
  const results = [];
  for (const set of corpusSets(corpusDir)) {
    const result = await lintCorpusSet(set);
    if (!result.sameOrder) console.warn(`${set.name}: drydock's migration order differs from set.json up`);
    results.push({ ...result, set });
  }
  const { text, unreviewed } = render(results, corpusDir);
  writeFileSync(values.out, text);
  const findings = results.flatMap((result) => result.findings);
  const count = (severity) => findings.filter((finding) => finding.severity === severity).length;
  console.log(
    `wrote ${relative(process.cwd(), values.out)}: ${results.length} sets, ${count("error")} errors, ${count("warning")} warnings, ${count("info")} info`,
  );
  if (unreviewed.length > 0) {
    console.error(`not reviewed: ${unreviewed.join("; ")}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
