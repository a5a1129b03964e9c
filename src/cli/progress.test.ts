import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { formatMs, Progress } from "./progress.js";

const colors = pc.createColors(false);

function capture() {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text) } };
}

describe("Progress", () => {
  it("prints one plain line per finished task when not on a terminal, nothing while it runs", () => {
    const { writes, stream } = capture();
    const progress = new Progress(stream, false, colors, false);
    progress.start("apply");
    expect(writes).toEqual([]);
    progress.done("apply", 1234, "10 of 10 applied");
    progress.start("  0003 billing");
    progress.failed("  0003 billing", 0, "duplicate key (23505)");
    progress.note("retrying");
    expect(writes).toEqual(["✓ apply 1.2 s  10 of 10 applied\n", "✗   0003 billing 0 ms  duplicate key (23505)\n", "retrying\n"]);
  });

  it("on a terminal shows the running task as a live line and replaces it with its result", () => {
    const { writes, stream } = capture();
    const progress = new Progress(stream, true, colors, false);
    progress.start("snapshot before");
    const clearLine = "\r\x1b[2K";
    expect(writes[0]?.startsWith(clearLine)).toBe(true);
    expect(writes[0]?.slice(clearLine.length)).toMatch(/^. snapshot before \d+ ms$/);
    progress.done("snapshot before", 63, "10 tables");
    expect(writes.slice(-2)).toEqual(["\r\x1b[2K", "✓ snapshot before 63 ms  10 tables\n"]);
    progress.stop();
  });

  it("stays silent with --quiet", () => {
    const { writes, stream } = capture();
    const progress = new Progress(stream, true, colors, true);
    progress.start("plan");
    progress.done("plan", 5);
    progress.note("x");
    expect(writes).toEqual([]);
  });

  it("formats durations for people", () => {
    expect([formatMs(340), formatMs(1234), formatMs(125_000)]).toEqual(["340 ms", "1.2 s", "2 min 5 s"]);
  });
});
