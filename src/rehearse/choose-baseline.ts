import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { promisify } from "node:util";
import { InputError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";

const run = promisify(execFile);

export interface ChooseBaselineOptions {
  /** `--baseline <version>`: that version and every one before it; `none`: an empty baseline. */
  baseline?: string;
  /** `--git-base <ref>`: the migrations that exist at that git ref. */
  gitBase?: string;
}

/** The migrations a sandbox built from empty holds before the rehearsal starts. */
export interface Baseline {
  /** Versions of the baseline migrations, in apply order. */
  versions: string[];
  /** Where they come from, for the report: "--baseline 0003", "git main (merge-base 1a2b3c4)", "none". */
  source: string;
}

/**
 * Chooses the baseline of a rehearsal from empty (SPEC §7 Rehearse step 2): `--baseline`, else
 * `--git-base`, else — inside a git repository on a branch other than its default branch — the
 * migrations at the merge base with the default branch, so a pull request rehearses exactly what
 * it adds. On the default branch itself, or outside git, the baseline is empty and every
 * migration is rehearsed.
 */
export async function chooseBaseline(root: string, migrations: readonly Migration[], options: ChooseBaselineOptions): Promise<Baseline> {
  if (options.baseline === "none") return { versions: [], source: "none (--baseline none)" };
  if (options.baseline !== undefined) {
    const index = migrations.findIndex((migration) => migration.version === options.baseline);
    if (index < 0) {
      throw new InputError(`--baseline ${options.baseline}: no migration has this version`, {
        hint: `Use one of the versions drydock status lists (${migrations
          .slice(0, 3)
          .map((migration) => migration.version)
          .join(", ")}…).`,
      });
    }
    return { versions: migrations.slice(0, index + 1).map((migration) => migration.version), source: `--baseline ${options.baseline}` };
  }
  const repo = await gitRoot(root);
  if (options.gitBase !== undefined) {
    if (!repo)
      throw new InputError(`--git-base ${options.gitBase}: ${root} is not inside a git repository`, {
        hint: "Use --baseline <version> instead.",
      });
    return { versions: await versionsAt(repo, root, migrations, options.gitBase), source: `git ${options.gitBase}` };
  }
  if (!repo) return { versions: [], source: "none (not a git repository)" };
  const defaultBranch = await findDefaultBranch(repo);
  if (!defaultBranch) return { versions: [], source: "none (no default branch known)" };
  const head = await git(repo, ["rev-parse", "HEAD"]).catch(() => null);
  const base = await git(repo, ["merge-base", "HEAD", defaultBranch.ref]).catch(() => null);
  if (!head || !base || head === base) return { versions: [], source: `none (on the default branch ${defaultBranch.name})` };
  const versions = await versionsAt(repo, root, migrations, base);
  return { versions, source: `git ${defaultBranch.name} (merge base ${base.slice(0, 7)})` };
}

async function git(repo: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", repo, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

async function gitRoot(dir: string): Promise<string | null> {
  try {
    return await git(dir, ["rev-parse", "--show-toplevel"]);
  } catch {
    return null;
  }
}

/** `origin/HEAD` when a remote says it, else a local `main` or `master`. */
async function findDefaultBranch(repo: string): Promise<{ name: string; ref: string } | null> {
  const remoteHead = await git(repo, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]).catch(() => "");
  if (remoteHead) return { name: remoteHead.replace(/^refs\/remotes\//, ""), ref: remoteHead };
  for (const name of ["main", "master"]) {
    const found = await git(repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`]).catch(() => "");
    if (found) return { name, ref: `refs/heads/${name}` };
  }
  return null;
}

/** The migrations whose up file exists at a git revision. */
async function versionsAt(repo: string, root: string, migrations: readonly Migration[], ref: string): Promise<string[]> {
  let listing: string;
  try {
    listing = await git(repo, ["ls-tree", "-r", "--name-only", ref]);
  } catch (cause) {
    throw new InputError(`git ref ${ref} cannot be read`, {
      hint: "Pass a branch, tag or commit that exists (git fetch it first in CI).",
      cause,
    });
  }
  const files = new Set(listing.split("\n"));
  return migrations
    .filter((migration) => {
      const absolute = isAbsolute(migration.up.file) ? migration.up.file : join(root, migration.up.file);
      return files.has(relative(repo, realpathSync(absolute)).split("\\").join("/"));
    })
    .map((migration) => migration.version);
}
