import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { ExitCode } from "../errors/exit-code.js";
import { expandVariables } from "./expand-variables.js";

describe("expandVariables", () => {
  const environment = { DATABASE_URL: "postgres://app@h/db", HOST: "db.internal", PORT: "5433", EMPTY: "" };

  it("replaces ${NAME} from the environment", () => {
    expect(expandVariables("${DATABASE_URL}", "env.production.url", "drydock.toml", environment)).toBe("postgres://app@h/db");
    expect(expandVariables("postgres://app@${HOST}:${PORT}/db", "env.staging.url", "drydock.toml", environment)).toBe(
      "postgres://app@db.internal:5433/db",
    );
  });

  it("leaves text without ${NAME} alone, $NAME included", () => {
    expect(expandVariables("postgres://app@h/db", "env.x.url", "drydock.toml", environment)).toBe("postgres://app@h/db");
    expect(expandVariables("$HOST and ${ not a name }", "env.x.url", "drydock.toml", environment)).toBe("$HOST and ${ not a name }");
  });

  it("names the key and the file when a variable is not set", () => {
    let error: unknown;
    try {
      expandVariables("${PROD_URL}", "env.production.url", "config/drydock.toml", environment);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("config/drydock.toml: env.production.url uses ${PROD_URL}, which is not set");
    expect((error as InputError).details.hint).toBe("Set PROD_URL in the environment or in .env next to drydock.toml, or pass --url.");
    expect((error as InputError).exitCode).toBe(ExitCode.BadInput);
  });

  it("treats an empty variable as not set", () => {
    expect(() => expandVariables("${EMPTY}", "env.production.url", "drydock.toml", environment)).toThrow(
      "drydock.toml: env.production.url uses ${EMPTY}, which is not set",
    );
  });
});
