#!/usr/bin/env node
// The parser's floor for the plan benchmark: Node starts, loads libpg-query (the parser drydock
// must use, PostgreSQL's own compiled to WebAssembly), reads every file given and parses it into
// objects (`parseSync`), nothing else: no analysis, no lint, no output but one count line. Any
// tool built on that parser pays at least this; with `--threads 2` the files are split between
// the main thread and one worker, as drydock's parse-ahead thread does on a 2-core machine.
//
//   node bench/parse-floor.mjs [--threads 1|2] file.sql …

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const args = process.argv.slice(2);
const threadsAt = args.indexOf("--threads");
const threads = threadsAt >= 0 ? Number(args.splice(threadsAt, 2)[1]) : 1;
if (![1, 2].includes(threads) || args.length === 0) {
  console.error("usage: node bench/parse-floor.mjs [--threads 1|2] file.sql …");
  process.exit(2);
}

/** Parses the files and returns how many statements they hold. */
async function parseFiles(files) {
  const { loadModule, parseSync } = await import("libpg-query");
  await loadModule();
  let statements = 0;
  for (const file of files) statements += parseSync(readFileSync(file, "utf8")).stmts.length;
  return statements;
}

const workerCode = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const parser = require(workerData.parserPath);
parser.loadModule().then(() => {
  let statements = 0;
  for (const file of workerData.files) statements += parser.parseSync(readFileSync(file, "utf8")).stmts.length;
  parentPort.postMessage(statements);
});`;

const half = threads === 2 ? Math.floor(args.length / 2) : 0;
const worker =
  threads === 2
    ? new Promise((resolve, reject) => {
        const parserPath = fileURLToPath(import.meta.resolve("libpg-query"));
        const thread = new Worker(workerCode, { eval: true, workerData: { parserPath, files: args.slice(0, half) } });
        thread.once("message", resolve);
        thread.once("error", reject);
      })
    : Promise.resolve(0);
const [mine, theirs] = await Promise.all([parseFiles(args.slice(half)), worker]);
console.log(`parsed ${args.length} files, ${mine + theirs} statements, on ${threads} thread${threads === 1 ? "" : "s"}`);
process.exit(0);
