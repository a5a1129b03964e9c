import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../test/support/temp-project.js";
import { InputError } from "../errors/drydock-error.js";
import { checksumOf } from "../util/hash.js";
import { readMigrationFile, relativeFile } from "./read-migration-file.js";

const makeProject = useTempMigrationProjects();

describe("readMigrationFile", () => {
  it("returns the file relative to the project root with / separators", async () => {
    const { root } = await makeProject({ "db/migrations/001_init.sql": "create table t (id int);\n" });
    const read = await readMigrationFile(path.join(root, "db", "migrations", "001_init.sql"), root);
    expect(read.file).toBe("db/migrations/001_init.sql");
    expect(read.source).toBe("create table t (id int);\n");
    expect(read.checksum).toBe(checksumOf("create table t (id int);\n"));
  });

  it("gives the same checksum and lines for LF, CRLF and a UTF-8 BOM", async () => {
    const { root } = await makeProject({
      "lf.sql": "create table t (id int);\nselect 1;\n",
      "crlf.sql": "create table t (id int);\r\nselect 1;\r\n",
      "bom.sql": "\uFEFFcreate table t (id int);\r\nselect 1;\r\n",
    });
    const [lf, crlf, bom] = await Promise.all(
      ["lf.sql", "crlf.sql", "bom.sql"].map((name) => readMigrationFile(path.join(root, name), root)),
    );
    expect(crlf?.checksum).toBe(lf?.checksum);
    expect(bom?.checksum).toBe(lf?.checksum);
    expect(bom?.source).toBe(lf?.source);
  });

  it("refuses a file that is not UTF-8, naming the file and the line", async () => {
    const latin1 = Uint8Array.from([...Buffer.from("select 1;\n-- caf"), 0xe9, ...Buffer.from("\n")]);
    const { root } = await makeProject({ "migrations/002_latin1.sql": latin1 });
    const reading = readMigrationFile(path.join(root, "migrations", "002_latin1.sql"), root);
    await expect(reading).rejects.toThrow(InputError);
    await expect(reading).rejects.toThrow("migrations/002_latin1.sql is not valid UTF-8 (byte 16, line 2)");
    await expect(reading).rejects.toMatchObject({ details: { hint: expect.stringContaining("UTF-8") } });
  });

  it("refuses overlong and surrogate encodings as the decoder does", async () => {
    const { root } = await makeProject({ "x.sql": Uint8Array.from([0x41, 0xed, 0xa0, 0x80]) });
    await expect(readMigrationFile(path.join(root, "x.sql"), root)).rejects.toThrow("(byte 1, line 1)");
  });

  it("reports an unreadable file with its name", async () => {
    const { root } = await makeProject();
    await mkdir(path.join(root, "migrations", "003_dir.sql"));
    await expect(readMigrationFile(path.join(root, "migrations", "003_dir.sql"), root)).rejects.toThrow(
      /cannot read migration file migrations\/003_dir\.sql \(EISDIR\)/,
    );
    await expect(readMigrationFile(path.join(root, "missing.sql"), root)).rejects.toThrow(/missing\.sql \(ENOENT\)/);
  });
});

describe("relativeFile", () => {
  it("gives what path.relative gives, with / separators", () => {
    const root = path.resolve("/srv/app");
    const cases = [
      path.join(root, "migrations", "0001_init.sql"),
      path.join(root, ".env"),
      `${root}${path.sep}migrations${path.sep}..${path.sep}prelude.sql`,
      `${root}${path.sep}migrations${path.sep}${path.sep}0002.sql`,
      `${root}${path.sep}.${path.sep}0003.sql`,
      path.resolve("/srv/other/0004.sql"),
      `${root}-old${path.sep}0005.sql`,
    ];
    for (const file of cases) {
      expect(relativeFile(root, file)).toBe(path.relative(root, file).split(path.sep).join("/"));
    }
    expect(relativeFile(root, path.join(root, "migrations", "0001_init.sql"))).toBe("migrations/0001_init.sql");
  });
});
