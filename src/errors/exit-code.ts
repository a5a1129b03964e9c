/** Process exit codes shared by every command (SPEC §4). */
export const ExitCode = {
  /** Success; for rehearse/apply/verify: GO, all checks pass. */
  Ok: 0,
  /** The work ran and the answer is no: NO-GO, failed check, findings, failed apply rolled back. */
  No: 1,
  /** Bad input: usage, configuration, unreadable or unparsable migration, duplicate version, cycle. */
  BadInput: 2,
  /** Environment: cannot connect, missing tool, lock held past its wait, permission denied. */
  Environment: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
