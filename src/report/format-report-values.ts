import { redactUrl } from "../util/redact-url.js";

/** "1,204": an integer with thousands separators; other numbers keep 3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number.isInteger(value) || Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
  const [whole = "", fraction] = String(Math.abs(rounded)).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${rounded < 0 ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""}`;
}

/** "340 ms", "1.2 s", "2 min 5 s", "1 h 4 min": a duration as a reader says it. */
export function formatDuration(durationMs: number): string {
  const ms = Math.max(0, Math.round(durationMs));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

const sizeUnits = ["B", "kB", "MB", "GB", "TB", "PB"];

/** "1.4 MB", "16 kB", "512 B": sizes in the 1024-based units `pg_size_pretty` prints. */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
  return `${bytes < 0 ? "-" : ""}${shown} ${sizeUnits[unit]}`;
}

/** "+2", "-1", "0": a change of a count, signed. */
export function formatDelta(delta: number, format: (value: number) => string = formatNumber): string {
  if (delta === 0) return "0";
  return delta > 0 ? `+${format(delta)}` : `-${format(-delta)}`;
}

const maxListed = 5;
const maxText = 80;

function shorten(text: string): string {
  return text.length > maxText ? `${text.slice(0, maxText - 1)}…` : text;
}

/** One observed value, compact: numbers grouped, lists cut after a few items, objects inline. */
export function formatObservedValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return shorten(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    const shown = value.slice(0, maxListed).map(formatObservedValue).join(", ");
    return value.length > maxListed ? `${shown} (+${formatNumber(value.length - maxListed)} more)` : shown;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? "none" : `{${entries.map(([key, item]) => `${key}: ${formatObservedValue(item)}`).join(", ")}}`;
  }
  return shorten(String(value));
}

/** A check's `observed` numbers as a compact `key: value` list. */
export function formatObserved(observed: Record<string, unknown>): string {
  return Object.entries(observed)
    .map(([key, value]) => `${key}: ${formatObservedValue(value)}`)
    .join(", ");
}

/** Text for one Markdown table cell: `|` escaped, line breaks as `<br>`, never empty. */
export function tableCell(text: string): string {
  const cell = text.trim().replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
  return cell === "" ? "—" : cell;
}

/** One line of a Markdown table. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map(tableCell).join(" | ")} |`;
}

/**
 * A Markdown table: header (may have empty cells), alignment row (`r` at the index of each
 * right-aligned column), rows.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align = ""): string[] {
  const rule = header.map((_, index) => (align[index] === "r" ? "---:" : "---"));
  return [`| ${header.join(" | ")} |`, `| ${rule.join(" | ")} |`, ...rows.map(tableRow)];
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** One line of prose: line breaks become spaces so that a list item stays one item. */
export function inline(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}

/** "1 table", "3 indexes": a count and its noun. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : pluralForm}`;
}

/** "2026-03-14 09:30:12 UTC": a timestamp of the report itself (never the clock), in UTC. */
export function formatTimestamp(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return time
    .toISOString()
    .replace("T", " ")
    .replace(/(\.\d+)?Z$/, " UTC");
}

/** The first `limit` items of a list, then a pointer to the JSON that has them all. */
export function capped(items: readonly string[], limit: number): string[] {
  const shown = items.slice(0, limit);
  if (items.length > limit) shown.push(`… and ${formatNumber(items.length - limit)} more (see report.json)`);
  return shown;
}

/** Markdown list items, cut after `limit` with a pointer to the JSON that has them all. */
export function bullets(items: readonly string[], limit: number): string[] {
  return capped(items, limit).map((item) => `- ${inline(item)}`);
}

const htmlEntities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside HTML and SVG elements and quoted attributes: `<script>` becomes `&lt;script&gt;`. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEntities[character] ?? character);
}

/** "a, b, c (+4 more)": a short list in one cell. */
export function listed(items: readonly string[], limit = 5): string {
  const shown = items.slice(0, limit).join(", ");
  return items.length > limit ? `${shown} (+${formatNumber(items.length - limit)} more)` : shown;
}

/** "0001 … 0011": the first and last of a list of versions. */
export function spanOf(versions: readonly string[]): string {
  return versions.length <= 1 ? (versions[0] ?? "") : `${versions[0]} … ${versions[versions.length - 1]}`;
}

/** A fenced code block whose fence is longer than any backtick run in the text. */
export function fenced(text: string, language = "text"): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

/**
 * Report text for HTML: passwords hidden, then escaped. Redaction comes first because escaping
 * turns `&password=` into `&amp;password=`, which `redactUrl` no longer recognises.
 */
export function htmlText(text: string): string {
  return escapeHtml(redactUrl(text));
}
