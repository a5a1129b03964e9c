import { redactUrl } from "../util/redact-url.js";

/** At most this many characters of another session's query go into a report. */
export const maxQueryLength = 200;

// Dollar-quoted bodies, E'' strings with backslash escapes, then standard strings ('' doubles a
// quote). The last alternative catches a literal cut off by track_activity_query_size.
const literals = /\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$|[eE]'(?:[^'\\]|\\[\s\S]|'')*'|'(?:[^']|'')*'|'[^']*$/g;

/**
 * Another session's query text (`pg_stat_activity.query`) made fit for a report: it may hold
 * secrets (a password in `ALTER ROLE`, a token in an `INSERT`), so every string literal and
 * dollar-quoted body becomes `'…'`, any connection URL loses its password, white space is
 * collapsed and the text is cut to 200 characters.
 */
export function redactQuery(query: string | null): string {
  if (query === null) return "";
  const text = redactUrl(query).replace(literals, "'…'").replace(/\s+/g, " ").trim();
  return text.length <= maxQueryLength ? text : `${text.slice(0, maxQueryLength - 1)}…`;
}
