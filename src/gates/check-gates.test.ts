import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { parseWindow } from "./check-gates.js";
import { describeWindow, evaluateWindow, formatWait } from "./maintenance-window.js";

const key = "env.production.window";

function windowAt(text: string, now: string) {
  const state = evaluateWindow(parseWindow(text, key), new Date(now));
  return { ...state, nextOpen: state.nextOpen?.toISOString() ?? null, closesAt: state.closesAt?.toISOString() ?? null };
}

describe("parseWindow", () => {
  it.each([
    ["02:00-04:00 UTC", 120, 240, 0, null],
    ["22:00-02:00 UTC", 1320, 120, 0, null],
    ["2:30-4:00 utc", 150, 240, 0, null],
    ["22:00-24:00 UTC", 1320, 1440, 0, null],
    ["02:00 - 04:00 +02:00", 120, 240, 120, null],
    ["02:00-04:00 UTC-05:30", 120, 240, -330, null],
    ["02:00-04:00 GMT+1", 120, 240, 60, null],
    ["02:00-04:00 Europe/Paris", 120, 240, null, "Europe/Paris"],
  ])("reads %s", (text, startMinute, endMinute, offsetMinutes, timeZone) => {
    expect(parseWindow(text, key)).toMatchObject({ text, startMinute, endMinute, offsetMinutes, timeZone });
  });

  it.each([
    ["2am-4am UTC", /is not a maintenance window/],
    ["02:00-04:00", /has no time zone/],
    ["25:00-04:00 UTC", /has no such time 25:00/],
    ["02:00-04:60 UTC", /has no such time 04:60/],
    ["02:00-02:00 UTC", /opens and closes at the same time/],
    ["02:00-04:00 Mars/Olympus_Mons", /unknown time zone "Mars\/Olympus_Mons"/],
    ["02:00-04:00 +15:00", /unknown time zone/],
  ])("refuses %s, naming the key and the file", (text, problem) => {
    let error: unknown;
    try {
      parseWindow(text, key, "deploy/drydock.toml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(problem);
    expect((error as InputError).message).toContain(`deploy/drydock.toml: ${key} = "${text}"`);
    expect((error as InputError).details.hint).toBeTruthy();
  });

  it("describes a window in its own zone", () => {
    expect(describeWindow(parseWindow("2:00-4:00 Europe/Paris", key))).toBe("02:00-04:00 Europe/Paris");
  });
});

describe("evaluateWindow", () => {
  it("is open inside the window and says when it closes", () => {
    expect(windowAt("02:00-04:00 UTC", "2026-03-02T02:00:00Z")).toMatchObject({
      isOpen: true,
      localTime: "02:00",
      closesAt: "2026-03-02T04:00:00.000Z",
    });
    expect(windowAt("02:00-04:00 UTC", "2026-03-02T03:59:59Z").isOpen).toBe(true);
  });

  it("is closed at its end and outside, with the next opening", () => {
    expect(windowAt("02:00-04:00 UTC", "2026-03-02T04:00:00Z")).toMatchObject({
      isOpen: false,
      nextOpen: "2026-03-03T02:00:00.000Z",
    });
    expect(windowAt("02:00-04:00 UTC", "2026-03-02T01:59:30Z")).toMatchObject({
      isOpen: false,
      localTime: "01:59",
      nextOpen: "2026-03-02T02:00:00.000Z",
    });
  });

  it("handles a window crossing midnight", () => {
    const text = "22:00-02:00 UTC";
    expect(windowAt(text, "2026-03-02T23:30:00Z")).toMatchObject({ isOpen: true, closesAt: "2026-03-03T02:00:00.000Z" });
    expect(windowAt(text, "2026-03-03T01:00:00Z")).toMatchObject({ isOpen: true, closesAt: "2026-03-03T02:00:00.000Z" });
    expect(windowAt(text, "2026-03-03T02:00:00Z")).toMatchObject({ isOpen: false, nextOpen: "2026-03-03T22:00:00.000Z" });
    expect(windowAt(text, "2026-03-03T12:00:00Z")).toMatchObject({ isOpen: false, nextOpen: "2026-03-03T22:00:00.000Z" });
  });

  it("reads a fixed offset", () => {
    // 00:30 UTC is 02:30 at +02:00.
    expect(windowAt("02:00-04:00 +02:00", "2026-01-01T00:30:00Z")).toMatchObject({ isOpen: true, localTime: "02:30" });
    expect(windowAt("02:00-04:00 +02:00", "2026-01-01T02:30:00Z")).toMatchObject({
      isOpen: false,
      nextOpen: "2026-01-02T00:00:00.000Z",
    });
  });

  it("follows an IANA zone through summer time", () => {
    const text = "02:00-04:00 Europe/Paris";
    // Winter: Paris is UTC+1; summer: UTC+2.
    expect(windowAt(text, "2026-01-15T01:30:00Z")).toMatchObject({ isOpen: true, localTime: "02:30" });
    expect(windowAt(text, "2026-07-15T01:30:00Z")).toMatchObject({ isOpen: true, localTime: "03:30" });
    expect(windowAt(text, "2026-07-15T02:30:00Z")).toMatchObject({ isOpen: false, nextOpen: "2026-07-16T00:00:00.000Z" });
  });

  it("finds the next opening across a change to summer time", () => {
    // Paris moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026: 03:00 local is then 01:00 UTC.
    expect(windowAt("03:00-05:00 Europe/Paris", "2026-03-28T12:00:00Z")).toMatchObject({
      isOpen: false,
      nextOpen: "2026-03-29T01:00:00.000Z",
    });
  });
});

describe("formatWait", () => {
  it.each([
    ["2026-03-02T14:05:00Z", "2026-03-03T02:00:00Z", "11h 55m"],
    ["2026-03-02T01:59:30Z", "2026-03-02T02:00:00Z", "1m"],
    ["2026-03-02T02:00:00Z", "2026-03-02T04:00:00Z", "2h"],
    ["2026-03-02T02:00:00Z", "2026-03-04T03:00:00Z", "2d 1h"],
  ])("from %s to %s is %s", (from, to, expected) => {
    expect(formatWait(new Date(from), new Date(to))).toBe(expected);
  });
});
