/**
 * Items by key, for lookups inside loops over another list (a snapshot's tables, a table's
 * columns). The first item with a key wins, as `items.find((item) => keyOf(item) === key)` has it.
 */
export function indexBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (!index.has(key)) index.set(key, item);
  }
  return index;
}
