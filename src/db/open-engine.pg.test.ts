import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { serverUrl } from "../../test/support/test-database.js";

const openEngineModule = fileURLToPath(new URL("../../dist/db/open-engine.js", import.meta.url));
const targetUrlModule = fileURLToPath(new URL("../../dist/db/target-url.js", import.meta.url));

// In a process of its own (the built modules, as `npm test` builds first): this test process has
// long since loaded Node's fetch and whatever else vitest uses.
it("connects without loading Node's fetch and leaves no navigator global behind", async () => {
  const script = `
    const hadNavigator = "navigator" in globalThis;
    const { openEngine } = await import(${JSON.stringify(openEngineModule)});
    const { parseTargetUrl } = await import(${JSON.stringify(targetUrlModule)});
    const engine = await openEngine(parseTargetUrl(process.env.TARGET_URL));
    const [row] = await engine.query("SELECT 1 AS one");
    await engine.close();
    console.log(JSON.stringify({
      row,
      navigatorChanged: ("navigator" in globalThis) !== hadNavigator,
      fetchLoaded: process.moduleLoadList.some((name) => name.includes("undici")),
    }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, TARGET_URL: serverUrl() },
  });
  expect(JSON.parse(stdout)).toEqual({ row: { one: 1 }, navigatorChanged: false, fetchLoaded: false });
});
