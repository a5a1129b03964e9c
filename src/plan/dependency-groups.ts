/**
 * Groups migrations by dependency level: a migration's level is one more than the highest level
 * of what it depends on, so no two migrations of a group depend on each other and the groups
 * run in order. `order` is the apply order; `edges` maps a version to the versions it needs.
 */
export function dependencyGroups(order: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const level = new Map<string, number>();
  for (const version of order) {
    let own = 0;
    for (const dependency of edges.get(version) ?? []) {
      const dependencyLevel = level.get(dependency);
      if (dependencyLevel !== undefined) own = Math.max(own, dependencyLevel + 1);
    }
    level.set(version, own);
  }
  const groups: string[][] = [];
  for (const version of order) {
    const index = level.get(version) ?? 0;
    groups[index] = [...(groups[index] ?? []), version];
  }
  return groups.filter((group) => group.length > 0);
}

/** Cycles among declared requirements, each as the list of versions around it (first repeated last). */
export function findCycles(requires: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (version: string): void => {
    state.set(version, "visiting");
    stack.push(version);
    for (const next of requires.get(version) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(version, "done");
  };
  for (const version of requires.keys()) if (!state.has(version)) visit(version);
  return cycles;
}
