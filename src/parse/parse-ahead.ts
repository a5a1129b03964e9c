import { createRequire } from "node:module";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ParseResult } from "libpg-query";

/**
 * The worker's code, as text so that it runs the same from the sources (tests), from dist/ and
 * from the bundle. It loads its own copy of libpg-query and parses, in order, every script the
 * main thread has not claimed yet, sending back the parser's JSON text: turning it into objects
 * must happen on the thread that uses them, and is left there.
 */
const workerSource = `
const { workerData } = require("node:worker_threads");
const { setFlagsFromString } = require("node:v8");
const { parserPath, port, texts, claims } = workerData;
const parser = require(parserPath);
// libpg-query ends its parse with JSON.parse(text): here only the text is wanted.
JSON.parse = (text) => text;
setFlagsFromString("--liftoff-only");
parser.loadModule().then(() => {
  setFlagsFromString("--no-liftoff-only");
  let batch = [];
  let sentAt = performance.now();
  for (let index = 0; index < texts.length; index++) {
    if (Atomics.compareExchange(claims, index, 0, 1) !== 0) continue;
    let json = null;
    try {
      json = parser.parseSync(texts[index]);
    } catch {
      // The main thread parses it again and reports the error with its file and position.
    }
    batch.push(index, json);
    if (performance.now() - sentAt > 2 || index === texts.length - 1) {
      port.postMessage(batch);
      batch = [];
      sentAt = performance.now();
    }
  }
  if (batch.length > 0) port.postMessage(batch);
});
`;

/** Characters of SQL to parse from which a second thread pays (`ParseAhead.start`). */
export const parseAheadMinimum = 500_000;

/** What `take` sleeps on between looks at the port (nothing ever wakes it: a timed pause). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Parses a plan's scripts ahead of it on a second thread. Parsing is a third of a cold plan of
 * many migrations, and the analysis that follows each parse is single-threaded JavaScript: while
 * it analyses one migration, the worker parses the next ones. Each script is parsed once, by
 * whichever thread claims it first (a shared array of claims), so a slow worker only means the
 * plan parses more itself. Results are read synchronously (`receiveMessageOnPort`): the plan's
 * loop does not return to the event loop between migrations.
 */
export class ParseAhead {
  /** The parser's JSON text by script, as it arrived; null when the worker could not parse it. */
  private readonly arrived = new Map<number, string | null>();
  private readonly indexOf = new Map<string, number>();
  private readonly taken = new Set<number>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    texts: readonly string[],
    private readonly claims: Int32Array,
  ) {
    for (const [index, text] of texts.entries()) this.indexOf.set(text, index);
  }

  /**
   * Starts parsing `scripts` (exactly as `parseSqlLoaded` will hand them to the parser) on a
   * worker; null under `minimumLength` characters in all, where the thread's start-up and its
   * own copy of the parser cost more than they save: measured break-even about 400,000
   * characters (1,000 of the benchmark's migrations), bench/RESULTS.md.
   */
  static start(scripts: readonly string[], minimumLength = parseAheadMinimum): ParseAhead | null {
    const unique = [...new Set(scripts)];
    if (unique.reduce((length, script) => length + script.length, 0) < minimumLength) return null;
    try {
      const parserPath = createRequire(import.meta.url).resolve("libpg-query");
      const claims = new Int32Array(new SharedArrayBuffer(4 * unique.length));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { parserPath, port: port2, texts: unique, claims },
        transferList: [port2],
      });
      // A worker that fails only leaves the parsing to the plan.
      worker.on("error", () => undefined);
      worker.unref();
      return new ParseAhead(worker, port1, unique, claims);
    } catch {
      return null;
    }
  }

  /**
   * The parse tree of `sql` if the worker has parsed it; otherwise claims it, so the worker skips
   * it, and returns undefined: the caller parses it.
   */
  take(sql: string): ParseResult | undefined {
    const index = this.indexOf.get(sql);
    if (index === undefined || this.taken.has(index) || this.closed) return undefined;
    this.taken.add(index);
    if (Atomics.compareExchange(this.claims, index, 0, 2) === 0) return undefined;
    // Claimed by the worker: its result is on the way if not here yet. A worker that stopped
    // sending (it failed) leaves the script to the caller after a while.
    const giveUpAt = performance.now() + 2000;
    while (!this.arrived.has(index) && performance.now() < giveUpAt) {
      const received = receiveMessageOnPort(this.port) as { message: (number | string | null)[] } | undefined;
      if (received) this.receive(received.message);
      else Atomics.wait(pause, 0, 0, 0.05);
    }
    const json = this.arrived.get(index) ?? null;
    this.arrived.delete(index);
    return json === null ? undefined : (JSON.parse(json) as ParseResult);
  }

  /** Stops the worker; what it has not sent is dropped. */
  close(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private receive(batch: (number | string | null)[]): void {
    for (let at = 0; at < batch.length; at += 2) this.arrived.set(batch[at] as number, batch[at + 1] as string | null);
  }
}
