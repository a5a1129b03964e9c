import { describeCorpusRehearse } from "../support/corpus-rehearse.js";

// drydock rehearse's default: the embedded engine, no server. Every set, one after another.
describeCorpusRehearse(
  [
    "authelia",
    "chef-bifrost",
    "crates-io",
    "langfuse",
    "marquez",
    "onlook",
    "openfga",
    "stellar-horizon",
    "stripe-sync-engine",
    "supabase-storage",
    "tastybytes-graphile",
    "umami",
  ],
  "pglite",
);
