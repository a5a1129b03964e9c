import { setFlagsFromString } from "node:v8";

// V8 tunes when it optimises a function for long-running programs: it recompiles hot functions
// early, on another core, and a drydock run (a second or two) often ends before that pays back.
// With four times V8's default budget before a function is considered for optimisation, a cold
// plan of 3,000 migrations takes 10-18% less wall time on 2 cores (bench/RESULTS.md). Imported
// first by main.ts, so that it is set before the commands' code loads.
setFlagsFromString("--interrupt-budget=270336");
