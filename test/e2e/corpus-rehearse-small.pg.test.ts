import { describeCorpusRehearse } from "../support/corpus-rehearse.js";

describeCorpusRehearse([
  "authelia",
  "chef-bifrost",
  "marquez",
  "onlook",
  "openfga",
  "stellar-horizon",
  "stripe-sync-engine",
  "supabase-storage",
  "umami",
]);
