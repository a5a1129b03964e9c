#!/usr/bin/env node
// First: it tunes V8 before the commands load.
import "./tune-v8.js";
import { runCli } from "./program.js";

/**
 * A stream whose reader may go away (`drydock snapshot … | head`): the write error (EPIPE) that
 * follows is not a crash, and the command runs to its end (an apply finishes and records its
 * run, a rehearsal writes its evidence); only what it would still print is dropped.
 */
function tolerantOfClosedReader(stream: NodeJS.WriteStream): { write(text: string): unknown } {
  let readerGone = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    readerGone = true;
  });
  return { write: (text: string) => readerGone || stream.write(text) };
}

const io = {
  stdout: tolerantOfClosedReader(process.stdout),
  stderr: tolerantOfClosedReader(process.stderr),
  environment: process.env,
  isTty: process.stdout.isTTY === true,
  exitCode: 0 as const,
  // A second Ctrl-C while the first one's cleanup runs ends the process at once.
  onInterrupt(handler: () => void) {
    const once = () => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, once);
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
      handler();
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, once);
    return () => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, once);
    };
  },
  // On stderr, so that stdout holds only the --json output.
  ...(process.stdin.isTTY
    ? {
        // readline loads only when a command asks something.
        prompt: async (question: string) => {
          const { createInterface } = await import("node:readline");
          return new Promise<string>((resolve) => {
            const terminal = createInterface({ input: process.stdin, output: process.stderr });
            let answer = "";
            terminal.on("SIGINT", () => terminal.close()); // Ctrl-C answers nothing, which confirms nothing
            terminal.on("close", () => resolve(answer));
            terminal.question(question, (text) => {
              answer = text;
              terminal.close();
            });
          });
        },
      }
    : {}),
};

process.exitCode = await runCli(process.argv.slice(2), { ...io, exitCode: 0 });
