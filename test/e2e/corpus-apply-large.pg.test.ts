import { describeCorpusApply } from "../support/corpus-apply.js";

describeCorpusApply(["langfuse"]);
