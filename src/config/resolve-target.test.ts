import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import { resolveTarget } from "./resolve-target.js";
import { configSchema } from "./schema.js";

const root = join(process.cwd(), "app");

function projectWith(environment: Record<string, string | undefined>, configFile: string | null = join(root, "drydock.toml")): Project {
  const config = configSchema.parse({
    env: {
      staging: { url: "${STAGING_DATABASE_URL}" },
      production: { url: "postgres://deploy:prod-pass@prod.internal:5432/app" },
      local: { url: "pglite:./.drydock/local" },
      bare: {},
    },
  });
  return { root, configFile, config, migrationsDir: join(root, "migrations"), environment };
}

function errorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("resolveTarget", () => {
  const environment = { DATABASE_URL: "postgres://app@env-host/db", STAGING_DATABASE_URL: "postgres://stage:stage-pass@staging/db" };

  it("prefers --url over the environment's url and DATABASE_URL", () => {
    const resolved = resolveTarget(projectWith(environment), { env: "production", url: "postgres://me:cli-pass@cli-host/db" });
    expect(resolved).toEqual({
      target: {
        engine: "postgres",
        url: "postgres://me:cli-pass@cli-host/db",
        urlRedacted: "postgres://me:***@cli-host/db",
        password: "cli-pass",
      },
      envName: "production",
    });
  });

  it("prefers the environment's url over DATABASE_URL", () => {
    const resolved = resolveTarget(projectWith(environment), { env: "production" });
    expect(resolved.envName).toBe("production");
    expect(resolved.target).toMatchObject({ engine: "postgres", urlRedacted: "postgres://deploy:***@prod.internal:5432/app" });
  });

  it("expands ${VAR} in the environment's url", () => {
    const resolved = resolveTarget(projectWith(environment), { env: "staging" });
    expect(resolved.target).toMatchObject({ url: "postgres://stage:stage-pass@staging/db", password: "stage-pass" });
  });

  it("uses DATABASE_URL when neither --url nor --env is given", () => {
    const resolved = resolveTarget(projectWith(environment), {});
    expect(resolved).toEqual({
      target: { engine: "postgres", url: "postgres://app@env-host/db", urlRedacted: "postgres://app@env-host/db", password: null },
      envName: "default",
    });
  });

  it("uses DATABASE_URL for an environment without a url", () => {
    const resolved = resolveTarget(projectWith(environment), { env: "bare" });
    expect(resolved.target).toMatchObject({ url: "postgres://app@env-host/db" });
    expect(resolved.envName).toBe("bare");
  });

  it("resolves a pglite folder against the project root", () => {
    const resolved = resolveTarget(projectWith({}), { env: "local" });
    expect(resolved.target).toEqual({ engine: "pglite", dataDir: join(root, ".drydock/local"), urlRedacted: "pglite:./.drydock/local" });
  });

  it("does not expand the environment's url when --url replaces it", () => {
    const resolved = resolveTarget(projectWith({}), { env: "staging", url: "pglite:memory" });
    expect(resolved.target).toEqual({ engine: "pglite", dataDir: null, urlRedacted: "pglite:memory" });
  });

  it("lists the known environments for an unknown one", () => {
    const error = errorOf(() => resolveTarget(projectWith(environment), { env: "prod" }));
    expect(error.message).toBe(`no environment "prod" in ${join("app", "drydock.toml")}`);
    expect(error.details.hint).toBe("Known environments: staging, production, local, bare.");
  });

  it("suggests adding the table when the project has no environments", () => {
    const project = { ...projectWith({}, null), config: configSchema.parse({}) };
    const error = errorOf(() => resolveTarget(project, { env: "staging" }));
    expect(error.message).toBe('no environment "staging" in drydock.toml');
    expect(error.details.hint).toBe("Add an [env.staging] table with a url.");
  });

  it("names the key of a ${VAR} that is not set", () => {
    const error = errorOf(() => resolveTarget(projectWith({ DATABASE_URL: "postgres://app@h/db" }), { env: "staging" }));
    expect(error.message).toBe(`${join("app", "drydock.toml")}: env.staging.url uses \${STAGING_DATABASE_URL}, which is not set`);
    expect(error.details.hint).toContain("Set STAGING_DATABASE_URL");
  });

  it("refuses to work without any database", () => {
    const error = errorOf(() => resolveTarget(projectWith({}), {}));
    expect(error.message).toBe("no database to work on");
    expect(error.details.hint).toContain("--url");
    expect(error.details.hint).toContain("DATABASE_URL");
  });

  it("refuses an unsupported URL without showing its password", () => {
    const error = errorOf(() => resolveTarget(projectWith({}), { url: "mysql://root:hunter22@h/db" }));
    expect(error.message).toBe("unsupported database URL mysql://root:***@h/db");
  });
});
