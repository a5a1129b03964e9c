import { describe, expect, it } from "vitest";
import { ServerError } from "../db/server-error.js";
import { EnvironmentError } from "./drydock-error.js";
import { ExitCode } from "./exit-code.js";
import { serverEnvironmentError } from "./server-environment-error.js";

describe("serverEnvironmentError", () => {
  it("turns what the server, the connection or the role refused into an environment error with a hint", () => {
    const cases: [code: string, hint: RegExp][] = [
      ["42501", /^The role lacks a privilege/],
      ["25006", /read-only .*connect to the primary/],
      ["3D000", /database does not exist/],
      ["40P01", /conflicted with this one/],
      ["08006", /connection to the server failed or was lost/],
      ["57P01", /shut down/],
      ["53100", /ran out of a resource/],
    ];
    for (const [code, hint] of cases) {
      const error = serverEnvironmentError(new ServerError({ code, message: "refused" }));
      expect(error, code).toBeInstanceOf(EnvironmentError);
      expect(error?.exitCode).toBe(ExitCode.Environment);
      expect(error?.message).toMatch(new RegExp(`^the server refused: refused \\(${code}`));
      expect(error?.details.hint, code).toMatch(hint);
    }
  });

  it("leaves a query drydock got wrong, and anything not from the server, to the internal error", () => {
    expect(serverEnvironmentError(new ServerError({ code: "42703", message: 'column "x" does not exist' }))).toBeNull();
    expect(serverEnvironmentError(new ServerError({ code: "42601", message: "syntax error" }))).toBeNull();
    expect(serverEnvironmentError(new Error("boom"))).toBeNull();
  });
});
