import type { PlannedMigration } from "../model/plan.js";
import type { Report, ReportStep } from "../model/report.js";
import { formatDuration, formatNumber, htmlText, plural } from "./format-report-values.js";
import { lockEffects } from "./report-content.js";

/** Drawing more boxes than this gives a picture nobody reads; the table above lists them all. */
const maxGraphNodes = 150;
const maxTimelineRows = 200;

/** SVG text has no layout engine: labels are cut by an average glyph width of the 12 px sans-serif used. */
const glyphWidth = 6.8;

const statusColours: Record<ReportStep["status"] | "planned", { fill: string; stroke: string; label: string }> = {
  applied: { fill: "#dcfce7", stroke: "#15803d", label: "applied" },
  failed: { fill: "#fee2e2", stroke: "#b91c1c", label: "failed" },
  "not-run": { fill: "#f3f4f6", stroke: "#9ca3af", label: "not run" },
  planned: { fill: "#e0f2fe", stroke: "#0369a1", label: "planned, not run here" },
};

const stagePalette = ["#2563eb", "#0891b2", "#7c3aed", "#db2777", "#ea580c", "#65a30d", "#0d9488", "#9333ea"];

function cut(text: string, widthPx: number): string {
  const maxChars = Math.max(1, Math.floor(widthPx / glyphWidth));
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function svgOpen(width: number, height: number, label: string, className: string): string {
  return (
    `<svg class="${className}" viewBox="0 0 ${round(width)} ${round(height)}" width="${round(width)}" height="${round(height)}" ` +
    `role="img" aria-label="${htmlText(label)}">`
  );
}

function legend(entries: { colour: string; label: string }[]): string {
  const items = entries.map((entry) => `<span class="swatch" style="background:${entry.colour}"></span>${htmlText(entry.label)}`);
  return `<figcaption class="legend">${items.join(" ")}</figcaption>`;
}

/**
 * Longest-path layers: a migration sits one layer below the deepest migration it requires, so
 * every arrow points down. An edge that closes a cycle (only `-- drydock:requires` can make one)
 * is drawn but does not push its end further down.
 */
function layerMigrations(migrations: readonly PlannedMigration[]): Map<string, number> {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (version: string): number => {
    const known = layers.get(version);
    if (known !== undefined) return known;
    if (visiting.has(version)) return -1;
    visiting.add(version);
    let layer = 0;
    for (const dependency of byVersion.get(version)?.requires ?? []) {
      if (byVersion.has(dependency)) layer = Math.max(layer, depth(dependency) + 1);
    }
    visiting.delete(version);
    layers.set(version, layer);
    return layer;
  };
  for (const migration of migrations) depth(migration.version);
  return layers;
}

/**
 * The plan's dependency graph drawn as an inline SVG figure: one box per migration, coloured by
 * how its step ended, in longest-path layers from top to bottom with an arrow from each
 * migration to every one that needs it. Wide layers wrap; past 150 migrations the rest are
 * counted, not drawn. Migrations with a plan error get a red border, as in the Mermaid graph.
 */
export function renderDependencyGraphSvg(report: Report): string {
  const all = report.plan.migrations;
  const migrations = all.slice(0, maxGraphNodes);
  if (migrations.length === 0) return "";
  const box = { width: 220, height: 34, gapX: 18, gapY: 12, layerGap: 40, margin: 10 };
  const perRow = 6;
  const layerOf = layerMigrations(migrations);
  const layerCount = Math.max(...layerOf.values()) + 1;
  const layers: PlannedMigration[][] = Array.from({ length: layerCount }, () => []);
  for (const migration of migrations) layers[layerOf.get(migration.version) ?? 0]?.push(migration);
  const columns = Math.min(perRow, Math.max(...layers.map((layer) => layer.length)));
  const width = box.margin * 2 + columns * box.width + (columns - 1) * box.gapX;
  const planIndex = new Map(all.map((migration, index) => [migration.version, index]));
  const centre = new Map<string, { x: number; y: number }>();
  let y = box.margin;
  for (const layer of layers) {
    // Barycentre ordering: a migration sits under the average position of what it requires, which keeps most arrows short.
    const weight = (migration: PlannedMigration) => {
      const xs = migration.requires.flatMap((dependency) => centre.get(dependency)?.x ?? []);
      return xs.length > 0 ? xs.reduce((sum, x) => sum + x, 0) / xs.length : Number.POSITIVE_INFINITY;
    };
    const ordered = [...layer].sort((a, b) => weight(a) - weight(b) || (planIndex.get(a.version) ?? 0) - (planIndex.get(b.version) ?? 0));
    for (let start = 0; start < ordered.length; start += perRow) {
      const row = ordered.slice(start, start + perRow);
      const rowWidth = row.length * box.width + (row.length - 1) * box.gapX;
      row.forEach((migration, index) => {
        const x = (width - rowWidth) / 2 + index * (box.width + box.gapX) + box.width / 2;
        centre.set(migration.version, { x, y: y + box.height / 2 });
      });
      y += box.height + box.gapY;
    }
    y += box.layerGap - box.gapY;
  }
  const height = y - box.layerGap + box.margin;
  const steps = new Map(report.steps.map((step) => [step.version, step]));
  const failing = new Set(report.plan.findings.filter((finding) => finding.severity === "error").map((finding) => finding.version));
  const edges: string[] = [];
  for (const migration of migrations) {
    const to = centre.get(migration.version);
    for (const dependency of migration.requires) {
      const from = centre.get(dependency);
      if (!from || !to) continue;
      const [x1, y1, x2, y2] = [from.x, from.y + box.height / 2, to.x, to.y - box.height / 2 - 3];
      const bend = Math.max(12, Math.abs(y2 - y1) / 2);
      edges.push(
        `<path d="M${round(x1)} ${round(y1)} C${round(x1)} ${round(y1 + bend)} ${round(x2)} ${round(y2 - bend)} ${round(x2)} ${round(y2)}"/>`,
      );
    }
  }
  const nodes = migrations.map((migration) => {
    const { x, y: cy } = centre.get(migration.version) ?? { x: 0, y: 0 };
    const step = steps.get(migration.version);
    const colours = statusColours[step?.status ?? "planned"];
    const label = `${migration.version} ${migration.name}`;
    const isFailing = failing.has(migration.version);
    const tooltip = `${label} (${colours.label}${isFailing ? ", plan error" : ""}; requires ${migration.requires.join(", ") || "nothing"})`;
    return (
      `<g><title>${htmlText(tooltip)}</title>` +
      `<rect x="${round(x - box.width / 2)}" y="${round(cy - box.height / 2)}" width="${box.width}" height="${box.height}" rx="5" ` +
      `fill="${colours.fill}" stroke="${isFailing ? "#c00" : colours.stroke}" stroke-width="${isFailing ? 3 : 1.2}"/>` +
      `<text x="${round(x)}" y="${round(cy + 4)}" text-anchor="middle">${htmlText(cut(label, box.width - 14))}</text></g>`
    );
  });
  const shownStatuses = new Set(migrations.map((migration) => steps.get(migration.version)?.status ?? "planned"));
  const entries = (["applied", "failed", "not-run", "planned"] as const)
    .filter((status) => shownStatuses.has(status))
    .map((status) => ({ colour: statusColours[status].stroke, label: statusColours[status].label }));
  if (failing.size > 0) entries.push({ colour: "#c00", label: "plan error (red border)" });
  const more =
    all.length > migrations.length
      ? `<p class="note">${formatNumber(all.length - migrations.length)} more migrations are not drawn; the table above lists them all.</p>`
      : "";
  return (
    `<figure class="chart graph">${svgOpen(width, height, `Dependency graph of ${formatNumber(all.length)} migrations`, "graph-svg")}` +
    `<defs><marker id="drydock-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">` +
    `<path d="M0 0 L8 4 L0 8 z" fill="#64748b"/></marker></defs>` +
    `<g class="edges" fill="none" stroke="#64748b" stroke-width="1.2" marker-end="url(#drydock-arrow)">${edges.join("")}</g>` +
    `<g class="nodes">${nodes.join("")}</g></svg>${legend(entries)}</figure>${more}`
  );
}

/** "3 locks: public.invoices AccessExclusiveLock, …": the count first, since the bar's note is cut to fit. */
function describeStepLocks(step: ReportStep): { text: string; blocks: boolean } {
  if (!step.locks_measured) return { text: "locks not measured", blocks: false };
  if (step.locks.length === 0) return { text: "no locks", blocks: false };
  const listed = step.locks.map((lock) => `${lock.relation} ${lock.mode}`).join(", ");
  return {
    text: step.locks.length === 1 ? listed : `${plural(step.locks.length, "lock")}: ${listed}`,
    blocks: step.locks.some((lock) => lockEffects[lock.mode] !== undefined),
  };
}

/**
 * The timeline as an inline SVG figure: one horizontal bar per migration, its length the
 * step's duration on one scale, coloured by status, followed by the duration and the locks it
 * held (in red when one of them blocks reads or writes). Past 200 steps the rest are counted.
 */
export function renderTimelineSvg(report: Report): string {
  const steps = report.steps.slice(0, maxTimelineRows);
  if (steps.length === 0) return "";
  const layout = { labelWidth: 240, barWidth: 420, noteWidth: 340, rowHeight: 24, axisHeight: 22 };
  const width = layout.labelWidth + layout.barWidth + layout.noteWidth;
  const height = layout.axisHeight + steps.length * layout.rowHeight + 6;
  const longest = Math.max(1, ...steps.filter((step) => step.status !== "not-run").map((step) => step.duration_ms));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => {
    const x = layout.labelWidth + share * layout.barWidth;
    return (
      `<line x1="${round(x)}" y1="${layout.axisHeight - 4}" x2="${round(x)}" y2="${height}" stroke="#e5e7eb"/>` +
      `<text class="axis" x="${round(x)}" y="${layout.axisHeight - 8}" text-anchor="middle">${htmlText(formatDuration(share * longest))}</text>`
    );
  });
  const rows = steps.map((step, index) => {
    const top = layout.axisHeight + index * layout.rowHeight;
    const middle = top + layout.rowHeight / 2 + 4;
    const label = `${step.version} ${step.name}`;
    const labelText = `<text x="${layout.labelWidth - 8}" y="${round(middle)}" text-anchor="end">${htmlText(cut(label, layout.labelWidth - 12))}</text>`;
    if (step.status === "not-run") {
      return (
        `<g><title>${htmlText(`${label}: not run`)}</title>${labelText}` +
        `<text class="muted" x="${layout.labelWidth + 6}" y="${round(middle)}">not run</text></g>`
      );
    }
    const colours = statusColours[step.status];
    const barWidth = Math.max(2, (step.duration_ms / longest) * layout.barWidth);
    const locks = describeStepLocks(step);
    const noteX = layout.labelWidth + barWidth + 6;
    const note = cut(`${formatDuration(step.duration_ms)} · ${locks.text}`, width - noteX - 4);
    return (
      `<g><title>${htmlText(`${label}: ${colours.label} in ${formatDuration(step.duration_ms)}; ${locks.text}`)}</title>${labelText}` +
      `<rect x="${layout.labelWidth}" y="${top + 5}" width="${round(barWidth)}" height="${layout.rowHeight - 10}" rx="2" fill="${colours.stroke}"/>` +
      `<text class="${locks.blocks ? "blocking" : "note"}" x="${round(noteX)}" y="${round(middle)}">${htmlText(note)}</text></g>`
    );
  });
  const more =
    report.steps.length > steps.length
      ? `<p class="note">${formatNumber(report.steps.length - steps.length)} more steps are not drawn; the table below lists them all.</p>`
      : "";
  const entries = [
    { colour: statusColours.applied.stroke, label: "applied" },
    { colour: statusColours.failed.stroke, label: "failed" },
    { colour: "#b91c1c", label: "red text: a lock that blocks reads or writes" },
  ];
  return (
    `<figure class="chart">${svgOpen(width, height, `Duration and locks of ${formatNumber(report.steps.length)} migrations`, "timeline-svg")}` +
    `${ticks.join("")}${rows.join("")}</svg>${legend(entries)}</figure>${more}`
  );
}

/** The stage timings as one stacked bar: where the run spent its time. */
export function renderStagesSvg(report: Report): string {
  const total = report.stages.reduce((sum, stage) => sum + stage.duration_ms, 0);
  if (total <= 0) return "";
  const width = 1000;
  const height = 30;
  let x = 0;
  const segments = report.stages.map((stage, index) => {
    const segmentWidth = (stage.duration_ms / total) * width;
    const colour = stagePalette[index % stagePalette.length] ?? "#2563eb";
    const label = cut(stage.name, segmentWidth - 8);
    // A name cut to a couple of letters says nothing; the legend names every stage anyway.
    const isLegible = label === stage.name || label.length >= 6;
    const text = isLegible ? `<text x="${round(x + 4)}" y="19" fill="#fff">${htmlText(label)}</text>` : "";
    const segment =
      `<g><title>${htmlText(`${stage.name}: ${formatDuration(stage.duration_ms)}`)}</title>` +
      `<rect x="${round(x)}" y="0" width="${round(segmentWidth)}" height="${height}" fill="${colour}"/>${text}</g>`;
    x += segmentWidth;
    return segment;
  });
  const entries = report.stages.map((stage, index) => ({
    colour: stagePalette[index % stagePalette.length] ?? "#2563eb",
    label: `${stage.name} ${formatDuration(stage.duration_ms)}`,
  }));
  return `<figure class="chart">${svgOpen(width, height, "Time spent per stage", "stages-svg")}${segments.join("")}</svg>${legend(entries)}</figure>`;
}
