import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { binaryPath } from "../support/cli.js";
import { useTempDirs } from "../support/temp-project.js";

const saas = fileURLToPath(new URL("../../examples/saas", import.meta.url));
const tempDir = useTempDirs();

/** Runs the built CLI and closes its stdout after the first chunk, as `drydock … | head -1` does. */
function runWithReaderGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [binaryPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stdout.once("data", () => child.stdout.destroy());
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

it("runs a rehearsal to its end and writes its evidence when the reader of its output goes away", async () => {
  const evidence = await tempDir();
  const run = await runWithReaderGone(["rehearse", "--dir", saas, "--evidence-dir", evidence]);
  expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
  expect(run.code).toBe(0);
  const [folder] = await readdir(evidence);
  expect(await readdir(join(evidence, folder ?? ""))).toContain("report.json");
});
