#!/usr/bin/env node
import { runCli } from "./program.js";

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  environment: process.env,
  isTty: process.stdout.isTTY === true,
  exitCode: 0 as const,
};

process.exitCode = await runCli(process.argv.slice(2), { ...io, exitCode: 0 });
