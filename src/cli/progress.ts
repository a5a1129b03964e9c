import type pc from "picocolors";

type Colors = ReturnType<typeof pc.createColors>;

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A task list for long commands. On a terminal the running task is one live line (spinner and
 * elapsed time) that is replaced by its result; elsewhere (CI logs, pipes) each finished task is
 * one plain line, so logs stay readable. Writes to the stream it is given: stderr under --json,
 * so stdout holds only the JSON.
 */
export class Progress {
  private running: { label: string; startedAt: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;

  constructor(
    private readonly stream: { write(text: string): unknown },
    private readonly isLive: boolean,
    private readonly colors: Colors,
    private readonly isQuiet: boolean,
  ) {}

  /** A task starts: on a terminal it shows as a live line until `done` or `failed`. */
  start(label: string): void {
    this.clear();
    this.running = { label, startedAt: performance.now() };
    if (!this.isLive || this.isQuiet) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }

  done(label: string, durationMs: number, summary = ""): void {
    this.finish(this.colors.green("✓"), label, durationMs, summary);
  }

  failed(label: string, durationMs: number, summary = ""): void {
    this.finish(this.colors.red("✗"), label, durationMs, summary);
  }

  /** A line of its own (a retry, a warning), kept above the live line. */
  note(text: string): void {
    if (this.isQuiet) return;
    this.erase();
    this.stream.write(`${text}\n`);
    if (this.running && this.isLive) this.draw();
  }

  /** Stops the live line (before the final summary is printed). */
  stop(): void {
    this.clear();
  }

  private finish(mark: string, label: string, durationMs: number, summary: string): void {
    this.clear();
    if (this.isQuiet) return;
    const tail = summary ? `  ${this.colors.dim(summary)}` : "";
    this.stream.write(`${mark} ${label} ${this.colors.dim(formatMs(durationMs))}${tail}\n`);
  }

  private draw(): void {
    if (!this.running) return;
    const elapsed = formatMs(performance.now() - this.running.startedAt);
    this.frame = (this.frame + 1) % frames.length;
    this.stream.write(`\r\x1b[2K${this.colors.cyan(frames[this.frame] ?? "")} ${this.running.label} ${this.colors.dim(elapsed)}`);
  }

  private erase(): void {
    if (this.isLive && this.running && !this.isQuiet) this.stream.write("\r\x1b[2K");
  }

  private clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.erase();
    this.running = null;
  }
}

/** "340 ms", "1.2 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
