import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";

const folder = useTempProjects();

function fixture(name: string, file: string): string {
  return readFileSync(new URL(`../fixtures/report-markdown/${name}/${file}`, import.meta.url), "utf8");
}

describe("drydock report <evidence-dir>", () => {
  it("writes report.md and report.html beside report.json and prints their paths", async () => {
    const dir = await folder({ "report.json": fixture("no-go-rehearsal", "report.json") });
    const run = await runDrydock(["report", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0); // rendering a NO-GO report succeeds: the command judges nothing
    expect(run.stdout).toBe(`wrote ${join(dir, "report.md")}\nwrote ${join(dir, "report.html")}\n`);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(fixture("no-go-rehearsal", "report.md"));
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<h2>Verdict: ❌ NO-GO · risk high</h2>");
    expect(html).not.toMatch(/https?:\/\/|src=|<link|<script/);
  });

  it("prints the paths as JSON with --json", async () => {
    const dir = await folder({ "report.json": fixture("go-rehearsal", "report.json") });
    const run = await runDrydock(["report", dir, "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ markdown: join(dir, "report.md"), html: join(dir, "report.html") });
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(fixture("go-rehearsal", "report.md"));
  });

  it("renders a report that has only the contract keys", async () => {
    const {
      lint: _,
      stages: __,
      sandbox: ___,
      ...contractOnly
    } = JSON.parse(fixture("go-rehearsal", "report.json")) as Record<string, unknown>;
    const dir = await folder({ "report.json": JSON.stringify(contractOnly) });
    const run = await runDrydock(["report", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("## Verdict: ✅ GO · risk low");
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<h2>Verdict: ✅ GO · risk low</h2>");
  });

  it("exits 2 naming a folder that does not exist", async () => {
    const dir = join(await folder({}), "no-such-run");
    const run = await runDrydock(["report", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no evidence folder at ${dir}`);
    expect(run.stderr).toContain("hint:");
  });

  it.each([
    ["no report.json", {}, /cannot read .*report\.json/],
    ["a report.json that is not JSON", { "report.json": "{ not json" }, /report\.json is not JSON/],
    [
      "another tool's JSON",
      { "report.json": '{"tool":{"name":"other"},"kind":"rehearsal"}' },
      /report\.json is not a drydock report: tool\.name/,
    ],
    ["an unknown kind", { "report.json": '{"tool":{"name":"drydock"},"kind":"dry-run"}' }, /not a drydock report: kind is "dry-run"/],
    [
      "missing contract keys",
      { "report.json": '{"tool":{"name":"drydock"},"kind":"verify","env":"ci"}' },
      /report\.json lacks target \(object\)/,
    ],
  ])("exits 2 on %s, naming the file", async (_, files, message) => {
    const dir = await folder(files);
    const run = await runDrydock(["report", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain("internal error");
    expect(existsSync(join(dir, "report.md"))).toBe(false);
    expect(existsSync(join(dir, "report.html"))).toBe(false);
  });
});
