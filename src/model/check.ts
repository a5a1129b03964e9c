/** A verification check's verdict (SPEC §7): `skip` always carries its reason in `summary`. */
export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/**
 * The result of one verification check (SPEC §7, `report.json` `checks[]`). `observed` holds
 * the numbers the check saw, so a report never says "pass" without its evidence.
 */
export interface CheckResult {
  /** The contract id: `rls.enabled`, `fk.orphans`… */
  id: string;
  status: CheckStatus;
  /** One line a reviewer reads: "24 tables, all with RLS", "2 orphaned rows in public.orders". */
  summary: string;
  /** The numbers the check saw, e.g. `{ "tables": 24, "without_rls": 0 }`. */
  observed: Record<string, unknown>;
  /** The offending objects or rows, at most a few dozen, each a short readable line. */
  details: string[];
}
