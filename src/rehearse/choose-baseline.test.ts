import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import { chooseBaseline } from "./choose-baseline.js";

describe("chooseBaseline", () => {
  let root: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", root, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
  const add = async (file: string) => writeFile(join(root, "migrations", file), "SELECT 1;\n");
  const migrations = async () => (await discoverMigrations({ projectRoot: root, migrationsDir: join(root, "migrations") })).migrations;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "drydock-baseline-"));
    await mkdir(join(root, "migrations"));
    await add("001_a.sql");
    await add("002_b.sql");
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it("takes --baseline: that version and every one before it", async () => {
    await add("003_c.sql");
    expect(await chooseBaseline(root, await migrations(), { baseline: "002" })).toEqual({
      versions: ["001", "002"],
      source: "--baseline 002",
    });
    await expect(chooseBaseline(root, await migrations(), { baseline: "009" })).rejects.toThrow(InputError);
    expect(await chooseBaseline(root, await migrations(), { baseline: "none" })).toEqual({
      versions: [],
      source: "none (--baseline none)",
    });
  });

  it("is empty outside git and on the default branch; on a branch, the migrations of the merge base", async () => {
    expect((await chooseBaseline(root, await migrations(), {})).versions).toEqual([]);
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "two migrations");
    expect(await chooseBaseline(root, await migrations(), {})).toEqual({ versions: [], source: "none (on the default branch main)" });
    git("checkout", "-q", "-b", "feature");
    await add("003_c.sql");
    git("add", ".");
    git("commit", "-q", "-m", "a third");
    await add("004_uncommitted.sql");
    const baseline = await chooseBaseline(root, await migrations(), {});
    expect(baseline.versions).toEqual(["001", "002"]);
    expect(baseline.source).toMatch(/^git main \(merge base [0-9a-f]{7}\)$/);
    expect((await chooseBaseline(root, await migrations(), { gitBase: "feature" })).versions).toEqual(["001", "002", "003"]);
    await expect(chooseBaseline(root, await migrations(), { gitBase: "no-such-ref" })).rejects.toThrow(
      /git ref no-such-ref cannot be read/,
    );
  });
});
