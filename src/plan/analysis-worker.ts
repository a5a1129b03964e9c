// The worker thread of `AnalysesAhead`: claims scripts from the back until it meets the
// caller, analyses them and sends the results in batches. It then stays alive, idle, until the
// plan terminates it, so that no 'exit' can overtake its last batch.
import { parentPort, workerData } from "node:worker_threads";
import { type AheadBatch, type AheadResult, type AheadWork, byWorker, unclaimed } from "./analyses-ahead.js";
import { analyzeScript } from "./analyze-migration.js";

/** Results per message: few enough that the caller, when it catches up, waits for little. */
const batchSize = 16;

async function analyzeFromTheBack(work: AheadWork): Promise<void> {
  const claims = new Int32Array(work.claims);
  // Claimed in descending order; sent in ascending order, from the lowest index of the batch.
  let results: Array<AheadResult | null> = [];
  let lowest = work.scripts.length;
  const send = () => {
    if (results.length > 0) parentPort?.postMessage({ from: lowest, json: JSON.stringify(results.reverse()) } satisfies AheadBatch);
    results = [];
  };
  for (let index = work.scripts.length - 1; index >= 0; index--) {
    if (Atomics.compareExchange(claims, index, unclaimed, byWorker) !== unclaimed) break; // met the caller
    const up = work.scripts[index] as AheadWork["scripts"][number];
    try {
      const { analysis, script } = await analyzeScript(up, work.settings);
      results.push({ analysis, statements: script.statements });
    } catch {
      results.push(null); // the caller analyses it again and reports the error
    }
    lowest = index;
    if (results.length >= batchSize) send();
  }
  send();
}

if (parentPort) {
  parentPort.on("message", () => undefined); // keeps the worker alive until terminated
  await analyzeFromTheBack(workerData as AheadWork);
}
