/** At most this many detail lines per check: a report lists offenders, it does not dump tables. */
export const maxDetails = 50;

/** The first `maxDetails` lines, then one line that says how many more there are. */
export function limitDetails(lines: readonly string[]): string[] {
  if (lines.length <= maxDetails) return [...lines];
  return [...lines.slice(0, maxDetails), `… and ${lines.length - maxDetails} more`];
}
