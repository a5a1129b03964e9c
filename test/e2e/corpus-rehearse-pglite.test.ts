import { corpusSetNames } from "../support/corpus.js";
import { describeCorpusRehearse } from "../support/corpus-rehearse.js";

// drydock rehearse's default: the embedded engine, no server. Every set, one after another.
describeCorpusRehearse(corpusSetNames, "pglite");
