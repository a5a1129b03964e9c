import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const saas = fileURLToPath(new URL("../../examples/saas", import.meta.url));
const project = useTempProjects();

forEachEngine("drydock snapshot", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("writes the catalog of the applied example, the same twice", async () => {
    target = await newTarget();
    expect((await runDrydock(["apply", "--dir", saas, "--url", target.url])).code).toBe(0);
    const out = await project({});
    const first = await runDrydock(["snapshot", "--dir", saas, "--url", target.url, "--output", join(out, "a.json")]);
    expect(first.code).toBe(0);
    const second = await runDrydock(["snapshot", "--dir", saas, "--url", target.url]);
    const written = await readFile(join(out, "a.json"), "utf8");
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(written));
    const snapshot = JSON.parse(written);
    const tables = snapshot.tables.map((table: { schema: string; name: string }) => `${table.schema}.${table.name}`);
    expect(tables).toEqual(expect.arrayContaining(["public.organizations", "public.projects", "platform.databases"]));
    expect(tables.some((name: string) => name.startsWith("drydock."))).toBe(false);
  });
});
