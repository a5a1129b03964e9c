import { InputError } from "../errors/drydock-error.js";
import type { MigrationFormat } from "../model/migration.js";

/**
 * A `.sql` file (or migration folder) whose name fits no pattern of the format. Every supported
 * tool either refuses such a file or silently skips it; drydock refuses it, because a skipped
 * migration is a schema change that never reaches production.
 */
export function unexpectedFileError(file: string, format: MigrationFormat, expected: string): InputError {
  return new InputError(`${file} does not match the ${format} migration file pattern ${expected}`, {
    hint: `Rename it to ${expected}, move it out of the migrations folder, or set project.format if the project uses another format.`,
  });
}

/** Two migrations with the same version (after normalisation: "002" = "2"); both files are named. */
export function duplicateVersionError(first: { version: string; file: string }, second: { version: string; file: string }): InputError {
  const version = first.version === second.version ? first.version : `${first.version} (= ${second.version})`;
  return new InputError(`duplicate migration version ${version}: ${first.file} and ${second.file}`, {
    hint: "Each migration needs its own version: renumber one of the files (after checking which one was applied).",
  });
}

/** A down/undo/revert file that has no forward migration with the same version. */
export function downWithoutUpError(file: string, expectedUp: string): InputError {
  return new InputError(`${file} is a down migration without an up migration (expected ${expectedUp})`, {
    hint: "Restore the up migration, or delete the down file if the migration was removed on purpose.",
  });
}
