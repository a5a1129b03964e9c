import { supabasePrelude } from "./supabase.js";

/** A prelude a preset contributes: SQL run on a fresh sandbox before the project's own preludes. */
export interface PresetPrelude {
  /** Display name for messages and reports, e.g. `<preset supabase>`; no file on disk. */
  file: string;
  sql: string;
}

/**
 * The SQL a `project.preset` puts into sandboxes before the project's preludes (SPEC §8): none
 * for `""`, the Supabase platform shims for `"supabase"`. Each script is idempotent and safe to
 * run while other sandboxes on the same server run it too.
 */
export function presetPreludes(preset: "" | "supabase"): PresetPrelude[] {
  return preset === "supabase" ? [{ file: supabasePrelude.file, sql: supabasePrelude.sql }] : [];
}
