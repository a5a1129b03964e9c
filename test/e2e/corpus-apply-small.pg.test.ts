import { describeCorpusApply } from "../support/corpus-apply.js";

// onlook and supabase-storage share Supabase roles: keep them in one file, run in order.
describeCorpusApply([
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
