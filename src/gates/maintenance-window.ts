import { InputError } from "../errors/drydock-error.js";

/** A daily maintenance window (`env.<name>.window`, SPEC §8), e.g. "02:00-04:00 UTC". */
export interface MaintenanceWindow {
  /** As written in drydock.toml. */
  text: string;
  /** Minutes after local midnight when it opens (0–1439). */
  startMinute: number;
  /** Minutes after local midnight when it closes (1–1440); before `startMinute` when it crosses midnight. */
  endMinute: number;
  /** The zone as written: "UTC", "+02:00", "Europe/Paris". */
  zone: string;
  /** A fixed offset east of UTC in minutes, or null for an IANA zone (whose offset changes with DST). */
  offsetMinutes: number | null;
  /** The IANA zone name, or null for a fixed offset. */
  timeZone: string | null;
}

/** Where `now` falls relative to a window, with the instants a message needs. */
export interface WindowState {
  isOpen: boolean;
  /** The local time of `now` in the window's zone, "HH:MM". */
  localTime: string;
  /** When closed: the next time it opens. */
  nextOpen: Date | null;
  /** When open: the time it closes. */
  closesAt: Date | null;
}

const example = '"HH:MM-HH:MM ZONE", e.g. "02:00-04:00 UTC", "22:00-02:00 Europe/Paris" or "02:00-04:00 +02:00"';
const dayMs = 86_400_000;
const minuteMs = 60_000;

/**
 * Parses a maintenance window: `HH:MM-HH:MM ZONE`, the zone being `UTC`, a fixed offset
 * (`+02:00`, `UTC-05:30`) or an IANA name (`Europe/Paris`, DST included). The end may be
 * before the start (the window crosses midnight) or `24:00`. A zone is required: a window
 * read in the local zone of whichever machine runs drydock would move with the machine.
 * Anything else is an InputError naming the key and the file (exit 2).
 */
export function parseWindow(text: string, key: string, file = "drydock.toml"): MaintenanceWindow {
  const fail = (problem: string, hint = `Write it as ${example}.`) => new InputError(`${file}: ${key} = "${text}" ${problem}`, { hint });
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?\s*$/.exec(text);
  if (!match) throw fail("is not a maintenance window");
  const [, startHour, startMinute, endHour, endMinute, zone] = match;
  const start = Number(startHour) * 60 + Number(startMinute);
  const end = Number(endHour) * 60 + Number(endMinute);
  if (Number(startHour) > 23 || Number(startMinute) > 59) throw fail(`has no such time ${startHour}:${startMinute}`);
  if (Number(endHour) > 24 || Number(endMinute) > 59 || end > 1440) throw fail(`has no such time ${endHour}:${endMinute}`);
  if (start === end % 1440) {
    throw fail(
      "opens and closes at the same time",
      "Give a window of at least one minute, or remove the key to allow applies at any time.",
    );
  }
  const hours = `${startHour}:${startMinute}-${endHour}:${endMinute}`;
  if (!zone) throw fail("has no time zone", `Add one, e.g. "${hours} UTC": without it the window would depend on the machine's zone.`);
  const offset = parseOffset(zone);
  const base = { text, startMinute: start, endMinute: end === 0 ? 1440 : end, zone };
  if (offset !== null) return { ...base, offsetMinutes: offset, timeZone: null };
  if (!isTimeZone(zone)) {
    throw fail(`names an unknown time zone "${zone}"`, `Use UTC, an offset such as +02:00, or an IANA zone name such as Europe/Paris.`);
  }
  return { ...base, offsetMinutes: null, timeZone: zone };
}

/** Whether `now` is inside the window, and when it next opens or closes. */
export function evaluateWindow(window: MaintenanceWindow, now: Date): WindowState {
  const offset = offsetMinutesAt(window, now);
  const msOfDay = modulo(now.getTime() + offset * minuteMs, dayMs);
  const minute = msOfDay / minuteMs;
  const { startMinute: start, endMinute: end } = window;
  const isOpen = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  const nextAt = (localMinute: number): Date => {
    const delta = modulo(localMinute * minuteMs - msOfDay, dayMs) || dayMs;
    const candidate = new Date(now.getTime() + delta);
    // Across a DST change the local clock moved: shift by the difference so the local time is right.
    const shift = offsetMinutesAt(window, candidate) - offset;
    return new Date(candidate.getTime() - shift * minuteMs);
  };
  return {
    isOpen,
    localTime: clock(Math.floor(minute)),
    nextOpen: isOpen ? null : nextAt(start),
    closesAt: isOpen ? nextAt(end % 1440) : null,
  };
}

/** The window's hours in its zone, "02:00-04:00 UTC". */
export function describeWindow(window: MaintenanceWindow): string {
  return `${clock(window.startMinute)}-${clock(window.endMinute)} ${window.zone}`;
}

/** "11h 55m", "3m", "2d 1h": how long until an instant, rounded up to the minute. */
export function formatWait(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.ceil((to.getTime() - from.getTime()) / minuteMs));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days}d` : "", hours ? `${hours}h` : "", rest || (!days && !hours) ? `${rest}m` : ""];
  return parts.filter(Boolean).join(" ");
}

function parseOffset(zone: string): number | null {
  if (/^(UTC|GMT|Z)$/i.test(zone)) return 0;
  const match = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!match) return null;
  const [, sign, hours, minutes = "0"] = match;
  if (Number(hours) > 14 || Number(minutes) > 59) return null;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC at an instant: fixed, or read from the IANA zone (Intl) for that date. */
function offsetMinutesAt(window: MaintenanceWindow, instant: Date): number {
  if (window.offsetMinutes !== null || window.timeZone === null) return window.offsetMinutes ?? 0;
  let formatter = formatters.get(window.timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: window.timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(window.timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  const local = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour") % 24, part("minute"), part("second"));
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((local - wholeSeconds) / minuteMs);
}

function clock(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
