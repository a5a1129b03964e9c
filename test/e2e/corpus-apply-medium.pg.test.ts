import { describeCorpusApply } from "../support/corpus-apply.js";

describeCorpusApply(["crates-io", "tastybytes-graphile"]);
