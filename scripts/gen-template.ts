// Writes the generated sections of template.yaml: today the triage function's EventBridge rules (`Events:`), from
// functions/domain/triage-rules.ts. Run: npm run gen:template. test/template/generated.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { triageRules } from '../functions/domain/triage-rules';

const BEGIN = '# BEGIN GENERATED triage-rules (npm run gen:template; do not edit by hand)';
const END = '# END GENERATED triage-rules';

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

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...out, line] : out;
}

/** template.yaml with its generated sections rewritten. Throws when the markers are missing. */
export function generatedTemplate(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`template.yaml: markers "${BEGIN}" … "${END}" not found`);
  const indent = text.slice(text.lastIndexOf('\n', start) + 1, start);
  return `${text.slice(0, start)}${BEGIN}\n${triageEventsYaml(indent)}\n${indent}${text.slice(end)}`;
}

export const templatePath = fileURLToPath(new URL('../template.yaml', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = readFileSync(templatePath, 'utf8');
  const next = generatedTemplate(text);
  if (next !== text) writeFileSync(templatePath, next);
  console.log(next === text ? 'template.yaml: generated sections up to date' : 'template.yaml: generated sections rewritten');
}
