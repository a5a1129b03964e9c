import { readFileSync } from "node:fs";

/** drydock's own version, from package.json (recorded in history and reports). */
export const toolVersion: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;
