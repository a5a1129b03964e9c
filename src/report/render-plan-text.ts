import type { Plan, PlannedMigration } from "../model/plan.js";

/** Kinds in the order a reviewer reads an inventory. */
const inventoryOrder = [
  "schema",
  "extension",
  "type",
  "enum",
  "domain",
  "table",
  "column",
  "constraint",
  "index",
  "sequence",
  "view",
  "materialized_view",
  "function",
  "procedure",
  "trigger",
  "policy",
  "role",
];

/** "1 table, 8 indexes, 4 functions": a migration's inventory as a phrase. */
export function describeInventory(inventory: Record<string, number>): string {
  const kinds = Object.keys(inventory).sort((a, b) => inventoryOrder.indexOf(a) - inventoryOrder.indexOf(b));
  return kinds.map((kind) => `${inventory[kind]} ${plural(kind.replace("_", " "), inventory[kind] ?? 0)}`).join(", ");
}

function plural(noun: string, count: number): string {
  if (count === 1) return noun;
  if (noun.endsWith("x")) return `${noun}es`;
  if (noun.endsWith("y")) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** The plan as text a reviewer can read at a glance: findings first, then each migration, then the groups. */
export function renderPlanText(plan: Plan, header: string): string {
  const lines = [
    `${header}`,
    `plan ${plan.hash.slice(0, 12)} · ${plan.migrations.length} migration${plan.migrations.length === 1 ? "" : "s"} · ${plan.findings.length} finding${plan.findings.length === 1 ? "" : "s"}`,
    "",
  ];
  if (plan.lint) {
    const { error, warning, info, allowed, rules } = plan.lint;
    const top = Object.entries(rules)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([rule, count]) => `${rule} ${count}`);
    lines.push(
      `lint: ${error} error${error === 1 ? "" : "s"}, ${warning} warning${warning === 1 ? "" : "s"}, ${info} info${allowed > 0 ? `, ${allowed} allowed` : ""}${top.length > 0 ? ` (${top.join(", ")}; details: drydock lint)` : ""}`,
      "",
    );
  }
  if (plan.findings.length > 0) {
    lines.push("findings");
    for (const finding of plan.findings)
      lines.push(`  ${finding.severity} ${finding.kind}  ${finding.file}:${finding.line}:${finding.column}`, `      ${finding.message}`);
    lines.push("");
  }
  for (const migration of plan.migrations) lines.push(...describeMigration(migration), "");
  if (plan.groups.length > 0) {
    lines.push("order (migrations on one line do not depend on each other)");
    plan.groups.forEach((group, index) => {
      lines.push(`  ${index + 1}. ${group.join(", ")}`);
    });
  }
  return lines.join("\n");
}

function describeMigration(migration: PlannedMigration): string[] {
  const kinds = Object.entries(migration.statement_kinds ?? {}).map(([kind, count]) => (count > 1 ? `${kind} ×${count}` : kind));
  const lines = [
    `${migration.version} ${migration.name}  (${migration.file}, ${migration.statements} statement${migration.statements === 1 ? "" : "s"}${kinds.length > 0 ? `: ${kinds.join(", ")}` : ""})`,
  ];
  if (Object.keys(migration.inventory).length > 0) lines.push(`  creates   ${describeInventory(migration.inventory)}`);
  const dropped = migration.drops.filter((drop) => drop.kind !== "constraint");
  if (dropped.length > 0) lines.push(`  drops     ${dropped.map((drop) => `${drop.kind.replace("_", " ")} ${drop.name}`).join(", ")}`);
  const cascaded = migration.cascades ?? [];
  if (cascaded.length > 0) lines.push(`  cascades  ${cascaded.map((drop) => `${drop.kind.replace("_", " ")} ${drop.name}`).join(", ")}`);
  if (migration.requires.length > 0) lines.push(`  after     ${migration.requires.join(", ")}`);
  if (migration.references.length > 0) lines.push(`  uses      ${migration.references.map((ref) => ref.name).join(", ")}`);
  if (migration.locks.length > 0) lines.push(`  locks     ${migration.locks.map((lock) => `${lock.relation} ${lock.mode}`).join(", ")}`);
  const mode =
    migration.transaction.mode === "transaction" ? "in one transaction" : `statement by statement (${migration.transaction.reason})`;
  lines.push(`  runs      ${mode} · ${migration.reversible ? "reversible" : "no down migration"}`);
  return lines;
}
