// Writes the generated sections of template.yaml: the triage function's EventBridge rules (`Events:`), from
// functions/domain/triage-rules.ts, and the IAM statements of the remediation and runbook functions and of triage's
// live reads, from the actions', runbook steps' and readers' declarations (scripts/iam-policies.ts).
// Run: npm run gen:template.
// test/template/generated.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { triageRules } from '../functions/domain/triage-rules';
import { GENERATED_POLICIES, statementsOf, statementsYaml, wrap } from './iam-policies';

/** The Events: entries of TriageFunction, indented for their place in the template. */
export function triageEventsYaml(indent = '        '): string {
  const lines: string[] = [];
  for (const rule of triageRules()) {
    const body = {
      [rule.id]: {
        Type: 'EventBridgeRule',
        Properties: {
          Pattern: rule.pattern,
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: '!GetAtt RuleDeadLetterQueue.Arn' },
          Target: { Id: 'triage' },
        },
      },
    };
    lines.push(...wrap(rule.comment, 110 - indent.length).map((l) => `# ${l}`));
    // Lists of plain values in flow style ([aws.ec2]), as a person writes them; no anchors (CloudFormation refuses them).
    const doc = new Document(body, { aliasDuplicateObjects: false });
    visit(doc, { Seq: (_, seq) => { if (isSeq(seq) && seq.items.every(isScalar)) seq.flow = true; } });
    lines.push(...doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split('\n'));
  }
  // The one intrinsic function in a rule: yaml quotes it as a string; CloudFormation wants the short form.
  return lines.map((l) => `${indent}${l}`.trimEnd().replace("Arn: '!GetAtt RuleDeadLetterQueue.Arn'", 'Arn: !GetAtt RuleDeadLetterQueue.Arn').replace('Arn: "!GetAtt RuleDeadLetterQueue.Arn"', 'Arn: !GetAtt RuleDeadLetterQueue.Arn')).join('\n');
}

/** Each generated section: its marker name and its body, indented as the BEGIN marker is. */
const SECTIONS: { name: string; body: (indent: string) => string }[] = [
  { name: 'triage-rules', body: triageEventsYaml },
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
