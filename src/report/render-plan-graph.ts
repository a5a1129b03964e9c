import type { Plan } from "../model/plan.js";

function nodeId(version: string): string {
  return `m_${version.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function label(version: string, name: string): string {
  return `${version} ${name}`.replace(/"/g, "'");
}

/** The dependency graph in Mermaid (`graph TD`): an arrow from a migration to each one that needs it. */
export function renderPlanMermaid(plan: Plan): string {
  const lines = ["graph TD"];
  for (const migration of plan.migrations) lines.push(`  ${nodeId(migration.version)}["${label(migration.version, migration.name)}"]`);
  const planned = new Set(plan.migrations.map((migration) => migration.version));
  for (const migration of plan.migrations) {
    for (const dependency of migration.requires) {
      if (planned.has(dependency)) lines.push(`  ${nodeId(dependency)} --> ${nodeId(migration.version)}`);
    }
  }
  const failing = new Set(plan.findings.filter((finding) => finding.severity === "error").map((finding) => finding.version));
  for (const version of failing) lines.push(`  style ${nodeId(version)} stroke:#c00,stroke-width:2px`);
  return lines.join("\n");
}

/** The dependency graph in Graphviz DOT. */
export function renderPlanDot(plan: Plan): string {
  const lines = ["digraph migrations {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];'];
  const failing = new Set(plan.findings.filter((finding) => finding.severity === "error").map((finding) => finding.version));
  for (const migration of plan.migrations) {
    const style = failing.has(migration.version) ? ", color=red" : "";
    lines.push(`  ${nodeId(migration.version)} [label="${label(migration.version, migration.name)}"${style}];`);
  }
  const planned = new Set(plan.migrations.map((migration) => migration.version));
  for (const migration of plan.migrations) {
    for (const dependency of migration.requires) {
      if (planned.has(dependency)) lines.push(`  ${nodeId(dependency)} -> ${nodeId(migration.version)};`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}
