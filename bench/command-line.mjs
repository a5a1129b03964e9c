// Shared by the bench scripts: their command lines. A flag takes its value as `--flag value` or
// `--flag=value`; --help (or -h) prints the usage; a mistake prints what is wrong and the usage
// on stderr and exits 2.

/** Prints the usage and exits: on stdout with 0 without `error`, else after `error` on stderr with 2. */
export function exitWithUsage(usage, error) {
  if (error) console.error(`${error}\n${usage}`);
  else console.log(usage);
  process.exit(error ? 2 : 0);
}

// Kinds of flag: each turns the flag's text into its option, or calls `refuse` with what is wrong.

/** A flag without a value: present means true. */
export const toggle = () => true;
export const text = (value) => value;
export const integer = (min) => (value, flag, refuse) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) refuse(`${flag} must be an integer >= ${min}`);
  return n;
};
export const number = (min) => (value, flag, refuse) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) refuse(`${flag} must be a number >= ${min}`);
  return n;
};
const commaList = (value) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
/** A comma-separated list of integers, each at least `min`. */
export const integers = (min) => (value, flag, refuse) => commaList(value).map((item) => integer(min)(item, flag, refuse));
/** A comma-separated list of names out of `known` (a `noun` each, for the message). */
export const namesOf = (known, noun) => (value, _flag, refuse) => {
  const items = commaList(value);
  for (const item of items) if (!known.includes(item)) refuse(`unknown ${noun} ${item}; known: ${known.join(", ")}`);
  return items;
};

/** One `kind(minimum)` for each flag of `minimums`: `atLeast(integer, { "--runs": 1, "--warmup": 0 })`. */
export const atLeast = (kind, minimums) => Object.fromEntries(Object.entries(minimums).map(([flag, min]) => [flag, kind(min)]));

/** The option a flag sets: its name in camelCase (--saas-runs sets saasRuns). */
const optionOf = (flag) => flag.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/**
 * The options: `defaults` (the order of its keys is the order of the options) with each flag of
 * `argv` applied as `flags` says: `{ "--runs": integer(1), "--keep": toggle }`; a flag that sets
 * another option than its own says which: `{ "--count": ["counts", integers(1)] }`.
 */
export function parseCommandLine(argv, { usage, defaults, flags }) {
  const refuse = (error) => exitWithUsage(usage, error);
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag === "--help" || flag === "-h") exitWithUsage(usage, null);
    if (!Object.hasOwn(flags, flag)) refuse(`unknown argument: ${arg}`);
    const [key, kind] = Array.isArray(flags[flag]) ? flags[flag] : [optionOf(flag), flags[flag]];
    if (kind === toggle) {
      opts[key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) refuse(`${flag} needs a value`);
    opts[key] = kind(value, flag, refuse);
  }
  return opts;
}
