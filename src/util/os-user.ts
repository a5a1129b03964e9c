import { userInfo } from "node:os";

/** The operating-system user running drydock, for history rows and the audit trail. */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
