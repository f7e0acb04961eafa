// Writes the generated sections of template.yaml: the EventBridge rules that feed the triage queue (and the lists of
// their ARNs in the queue policies), from functions/domain/triage-rules.ts, and the IAM statements of the remediation and runbook functions and of triage's
// live reads, from the actions', runbook steps' and readers' declarations (scripts/iam-policies.ts).
// Run: npm run gen:template.
// test/template/generated.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { triageRules } from '../functions/domain/triage-rules';
import { GENERATED_POLICIES, statementsOf, statementsYaml, wrap } from './iam-policies';

/** A rule's logical id: `TriageRule` + its id (e.g. TriageRuleSgIngressApiCall). */
export const ruleLogicalId = (id: string): string => `TriageRule${id}`;

/** YAML for plain data: lists of plain values in flow style ([aws.ec2]), as a person writes them; no anchors. */
function yamlLines(body: unknown): string[] {
  const doc = new Document(body, { aliasDuplicateObjects: false });
  visit(doc, { Seq: (_, seq) => { if (isSeq(seq) && seq.items.every(isScalar)) seq.flow = true; } });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split('\n');
}

/** The short-form intrinsics yaml writes as quoted strings: `'!GetAtt X.Arn'` back to `!GetAtt X.Arn`. */
const intrinsics = (line: string): string => line.replace(/(['"])(!(?:GetAtt|Ref) [A-Za-z0-9.]+)\1/g, '$2');

/**
 * The EventBridge rules that feed triage, as top-level resources: each sends its events to TriageQueue (the triage
 * function reads the queue with a bounded concurrency), retried by EventBridge, then kept in RuleDeadLetterQueue.
 */
export function triageRulesYaml(indent = '  '): string {
  const lines: string[] = [];
  for (const rule of triageRules()) {
    const body = {
      [ruleLogicalId(rule.id)]: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: rule.comment.length > 512 ? `${rule.comment.slice(0, 509)}...` : rule.comment,
          State: 'ENABLED',
          EventPattern: rule.pattern,
          Targets: [{
            Id: 'triage-queue',
            Arn: '!GetAtt TriageQueue.Arn',
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: '!GetAtt RuleDeadLetterQueue.Arn' },
          }],
        },
      },
    };
    lines.push(...wrap(rule.comment, 110 - indent.length).map((l) => `# ${l}`));
    lines.push(...yamlLines(body));
  }
  return lines.map((l) => intrinsics(`${indent}${l}`.trimEnd())).join('\n');
}

/** The ARNs of every triage rule: the queue policies let EventBridge send only from these rules. */
export const triageRuleArnsYaml = (indent: string): string =>
  triageRules().map((r) => `${indent}- !GetAtt ${ruleLogicalId(r.id)}.Arn`).join('\n');

/** Each generated section: its marker name and its body, indented as the BEGIN marker is. */
const SECTIONS: { name: string; body: (indent: string) => string }[] = [
  { name: 'triage-rules', body: triageRulesYaml },
  { name: 'triage-rule-arns', body: triageRuleArnsYaml },
  { name: 'triage-rule-arns-dlq', body: triageRuleArnsYaml },
  // Inside the function's `Policies` → `Statement:` list; hand-written statements may stay before or after.
  ...Object.entries(GENERATED_POLICIES).map(([id, grants]) => ({
    name: `iam-${id}`,
    body: (indent: string) => statementsYaml(statementsOf(grants()), indent).join('\n'),
  })),
];

/** template.yaml with its generated sections rewritten. Throws when the markers of a section are missing. */
export function generatedTemplate(text: string): string {
  let out = text;
  for (const { name, body } of SECTIONS) {
    const begin = `# BEGIN GENERATED ${name} (npm run gen:template; do not edit by hand)`;
    const end = `# END GENERATED ${name}\n`;
    const start = out.indexOf(begin);
    const stop = out.indexOf(end, start);
    if (start < 0 || stop < start) throw new Error(`template.yaml: markers "${begin}" … "${end.trim()}" not found`);
    const indent = out.slice(out.lastIndexOf('\n', start) + 1, start);
    out = `${out.slice(0, start)}${begin}\n${body(indent)}\n${indent}${out.slice(stop)}`;
  }
  return out;
}

export const templatePath = fileURLToPath(new URL('../template.yaml', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = readFileSync(templatePath, 'utf8');
  const next = generatedTemplate(text);
  if (next !== text) writeFileSync(templatePath, next);
  console.log(next === text ? 'template.yaml: generated sections up to date' : 'template.yaml: generated sections rewritten');
}
