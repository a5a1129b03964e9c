import type { Rule } from "../lint/rule.js";
import type { LintFinding, Severity } from "../model/lint.js";
import { toolVersion } from "../version.js";

/** The part of SARIF 2.1.0 drydock writes (OASIS SARIF v2.1.0, §3). */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: SarifToolComponent };
  /** drydock counts columns in Unicode code points (util/line-index.ts), not UTF-16 units. */
  columnKind: "unicodeCodePoints";
  results: SarifResult[];
}

export interface SarifToolComponent {
  name: string;
  version: string;
  informationUri?: string;
  rules: SarifReportingDescriptor[];
}

export type SarifLevel = "error" | "warning" | "note";

export interface SarifText {
  text: string;
}

export interface SarifReportingDescriptor {
  id: string;
  shortDescription: SarifText;
  fullDescription: SarifText;
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifText;
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number };
    };
  }>;
  suppressions?: Array<{ kind: "inSource"; justification?: string }>;
}

export interface RenderLintSarifOptions {
  /** drydock's home page, for `tool.driver.informationUri` (must be an absolute URI). */
  informationUri?: string;
  /** Absolute URI that `docs/rules/<id>.md` is resolved against for each rule's `helpUri`. */
  docsBaseUri?: string;
}

/** The schema location SARIF consumers (GitHub code scanning, VS Code's SARIF viewer) recognise. */
export const sarifSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

const levels: Record<Severity, SarifLevel> = { error: "error", warning: "warning", info: "note" };

/**
 * A file path as a SARIF artifact URI: forward slashes, each segment percent-encoded; relative
 * paths stay relative (GitHub code scanning resolves them against the repository root), absolute
 * ones become file: URIs.
 */
function artifactUri(file: string): string {
  const path = file.replaceAll("\\", "/");
  const drive = /^[A-Za-z]:\//.test(path) ? path.slice(0, 2) : "";
  const encoded = path
    .slice(drive.length)
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
  if (drive) return `file:///${drive}${encoded}`;
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

type DescribedRule = Pick<Rule, "id" | "summary" | "why" | "alternative" | "severity"> & { category?: Rule["category"] };

/** A rule's descriptor; `docs` is false for ids with no docs page (findings drydock itself makes). */
function descriptorOf(rule: DescribedRule, docs: { baseUri: string | undefined } | false): SarifReportingDescriptor {
  const docsPath = `docs/rules/${rule.id}.md`;
  const helpUri = docs && docs.baseUri !== undefined ? new URL(docsPath, docs.baseUri).href : undefined;
  const more = docs ? `\n\nMore: [${docsPath}](${helpUri ?? docsPath})` : "";
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.why },
    help: {
      text: rule.alternative,
      markdown: `**Why:** ${rule.why}\n\n**Instead:** ${rule.alternative}${more}`,
    },
    ...(helpUri !== undefined ? { helpUri } : {}),
    defaultConfiguration: { level: levels[rule.severity] },
    properties: { tags: rule.category ? ["drydock", rule.category] : ["drydock"] },
  };
}

/**
 * Lint findings as a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers: one run,
 * every rule described once in `tool.driver.rules` (with findings of ids outside `rules`, such as
 * `invalid-suppression`, described from the finding), and one result per finding. Findings under
 * `-- drydock:allow` stay in the log with an in-source suppression carrying the reason, so
 * viewers show them as dismissed rather than losing them.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function renderLintSarif(findings: readonly LintFinding[], rules: readonly Rule[], options: RenderLintSarifOptions = {}): SarifLog {
  const descriptors = rules.map((rule) => descriptorOf(rule, { baseUri: options.docsBaseUri }));
  const indexOf = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));
  const results = findings.map((finding): SarifResult => {
    let ruleIndex = indexOf.get(finding.rule);
    if (ruleIndex === undefined) {
      ruleIndex = descriptors.length;
      indexOf.set(finding.rule, ruleIndex);
      descriptors.push(
        descriptorOf(
          { id: finding.rule, summary: finding.message, why: finding.why, alternative: finding.alternative, severity: finding.severity },
          false,
        ),
      );
    }
    const result: SarifResult = {
      ruleId: finding.rule,
      ruleIndex,
      level: levels[finding.severity],
      message: { text: `${finding.message}. ${finding.why} Instead: ${finding.alternative}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(finding.file) },
            region: { startLine: Math.max(1, finding.line), startColumn: Math.max(1, finding.column) },
          },
        },
      ],
    };
    if (finding.suppressed) {
      result.suppressions = [
        { kind: "inSource", ...(finding.suppression_reason !== undefined ? { justification: finding.suppression_reason } : {}) },
      ];
    }
    return result;
  });
  const driver: SarifToolComponent = {
    name: "drydock",
    version: toolVersion,
    ...(options.informationUri !== undefined ? { informationUri: options.informationUri } : {}),
    rules: descriptors,
  };
  return { $schema: sarifSchemaUri, version: "2.1.0", runs: [{ tool: { driver }, columnKind: "unicodeCodePoints", results }] };
}
