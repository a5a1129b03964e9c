/**
 * Orders migration versions segment by segment, as Flyway does and SPEC §3 asks: "1.10" comes
 * after "1.9", leading zeros do not count ("002" is version 2) and missing trailing segments are
 * zero ("1" and "1.0" are the same version). Numeric segments are compared by value without
 * converting to a number, so 18-digit timestamps keep their precision. A segment that is not all
 * digits sorts after every numeric one and compares by code point.
 *
 * Returns a negative number, zero or a positive number; zero means "the same version", which
 * discovery reports as a duplicate.
 */
export function compareVersions(a: string, b: string): number {
  // Most versions are one numeric segment (a sequence number or a timestamp): compared without
  // splitting, as sorting thousands of them compares each many times.
  if (isDigits(a) && isDigits(b)) return compareSegments(a, b);
  const left = versionSegments(a);
  const right = versionSegments(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const order = compareSegments(left[i] ?? "0", right[i] ?? "0");
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * The canonical form of a version: leading zeros and trailing zero segments removed, so two
 * versions compare equal under {@link compareVersions} exactly when their keys are equal. Used to
 * pair up and down files and to find duplicates with a map.
 */
export function versionKey(version: string): string {
  const segments = versionSegments(version).map((segment) => (isDigits(segment) ? stripZeros(segment) : segment));
  while (segments.length > 1 && segments[segments.length - 1] === "0") segments.pop();
  return segments.join(".");
}

/**
 * Compares two strings by UTF-16 code unit, the order of a byte-wise sort for ASCII names. Used
 * where a tool sorts names rather than versions (Prisma folders, diesel versions, Flyway
 * repeatables); unlike `localeCompare` it does not depend on the machine's locale.
 */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function versionSegments(version: string): string[] {
  return version.split(".");
}

function compareSegments(a: string, b: string): number {
  const aNumeric = isDigits(a);
  const bNumeric = isDigits(b);
  if (aNumeric && bNumeric) {
    const x = stripZeros(a);
    const y = stripZeros(b);
    return x.length !== y.length ? x.length - y.length : compareCodePoints(x, y);
  }
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return compareCodePoints(a, b);
}

function isDigits(text: string): boolean {
  return /^\d+$/.test(text);
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, "");
}
