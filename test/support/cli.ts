import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured output (fast; for most command tests). */
export async function runDrydock(args: string[], environment: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    environment: { PATH: process.env.PATH, ...environment },
    isTty: false,
    exitCode: 0 as const,
  };
  const code = await runCli(args, { ...io, exitCode: 0 });
  return { code, stdout, stderr };
}

/** The built binary, as `npx drydock` runs it (`npm test` builds first). */
export const binaryPath = fileURLToPath(new URL("../../dist/bundle/main.js", import.meta.url));

/** Starts the built CLI as its own process; for concurrency and kill tests. */
export function spawnDrydock(args: string[], environment: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [binaryPath, ...args], {
    env: { PATH: process.env.PATH, ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}
