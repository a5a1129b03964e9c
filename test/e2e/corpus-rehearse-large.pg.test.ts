import { describeCorpusRehearse } from "../support/corpus-rehearse.js";

describeCorpusRehearse(["crates-io", "tastybytes-graphile", "langfuse"]);
