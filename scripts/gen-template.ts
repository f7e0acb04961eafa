// Writes the generated sections of template.yaml: the dashboard and the failed-execution alarms (scripts/dashboard.ts),
// the EventBridge rules that feed the triage queue (and the lists of
// their ARNs in the queue policies), from functions/domain/triage-rules.ts, and the IAM statements of the remediation and runbook functions and of triage's
// live reads, from the actions', runbook steps' and readers' declarations (scripts/iam-policies.ts).
// Run: npm run gen:template.
// test/template/generated.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { triageRules } from '../functions/domain/triage-rules';
import { SPOKE_ROLES, type SpokeRole } from '../functions/domain/accounts';
import { dashboardYaml, executionAlarmsYaml } from './dashboard';
import { GENERATED_POLICIES, SPOKE_ACCESS, spokeGrants, statementsOf, statementsYaml, wrap } from './iam-policies';

/** A rule's logical id: `TriageRule` + its id (e.g. TriageRuleSgIngressApiCall). */
export const ruleLogicalId = (id: string): string => `TriageRule${id}`;

/** YAML for plain data: lists of plain values in flow style ([aws.ec2]), as a person writes them; no anchors. */
function yamlLines(body: unknown): string[] {
  const doc = new Document(body, { aliasDuplicateObjects: false });
  visit(doc, { Seq: (_, seq) => { if (isSeq(seq) && seq.items.every(isScalar)) seq.flow = true; } });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split('\n');
}

/**
 * The short-form intrinsics yaml writes as quoted strings: `'!GetAtt X.Arn'` back to `!GetAtt X.Arn`, and
 * `'!Sub arn:…'` to `!Sub 'arn:…'`.
 */
const intrinsics = (line: string): string => line
  .replace(/(['"])(!(?:GetAtt|Ref) [A-Za-z0-9.]+)\1/g, '$2')
  .replace(/(['"])!Sub ([^'"]+)\1/g, "!Sub '$2'");

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

/**
 * A hub deployment's access to its spoke roles: one policy per function, on its SAM-made role, only when the stack
 * is a hub (condition IsHub). A single-account stack has no sts:AssumeRole at all.
 */
export function spokeAccessYaml(indent: string): string {
  const lines: string[] = [];
  for (const [fn, grants] of Object.entries(SPOKE_ACCESS)) {
    lines.push(
      `SpokeAccess${fn.replace(/Function$/, '')}:`, '  Type: AWS::IAM::Policy', '  Condition: IsHub', '  Properties:',
      '    PolicyName: warden-spoke-access', `    Roles: [!Ref ${fn}Role]`, '    PolicyDocument:', "      Version: '2012-10-17'", '      Statement:',
      ...statementsYaml(statementsOf(grants()), '        '),
    );
  }
  return lines.map((l) => `${indent}${l}`.trimEnd()).join('\n');
}

const pascalRole = (role: string): string => role[0]!.toUpperCase() + role.slice(1);
/** The spoke template's parameter with the ARN of the hub function role that may assume `role`. */
export const hubRoleParameter = (role: SpokeRole): string => `Hub${pascalRole(role)}RoleArn`;

/** infra/spoke.yaml: the rules that forward the triage rules' events to the hub's bus (every Region the stack is in). */
export function forwardRulesYaml(indent: string): string {
  const lines: string[] = [];
  for (const rule of triageRules()) {
    const body = {
      [`Forward${rule.id}`]: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: `To the Warden hub. ${rule.comment}`.slice(0, 512),
          State: 'ENABLED',
          EventPattern: rule.pattern,
          Targets: [{
            Id: 'warden-hub', Arn: '!Ref HubEventBusArn', RoleArn: '!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${SpokeRolePrefix}-forward',
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: '!GetAtt ForwardDeadLetterQueue.Arn' },
          }],
        },
      },
    };
    lines.push(...yamlLines(body));
  }
  return lines.map((l) => intrinsics(`${indent}${l}`.trimEnd())).join('\n');
}

/** infra/spoke.yaml: the ARNs of the forwarding rules (the dead-letter queue's policy). */
export const forwardRuleArnsYaml = (indent: string): string =>
  triageRules().map((r) => `${indent}- !GetAtt Forward${r.id}.Arn`).join('\n');

/** infra/spoke.yaml: one role per hub function, assumable only by that function's role, inside the organization. */
export function spokeRolesYaml(indent: string): string {
  const lines: string[] = [];
  for (const [role, fn] of Object.entries(SPOKE_ROLES) as [SpokeRole, string][]) {
    lines.push(
      `${pascalRole(role)}Role:`, '  Type: AWS::IAM::Role', '  Condition: CreateRoles', '  Properties:',
      `    RoleName: !Sub '\${SpokeRolePrefix}-${role}'`,
      `    Description: Warden's ${fn} in this account (assumed from the hub for one run at a time).`,
      '    MaxSessionDuration: 3600',
      '    AssumeRolePolicyDocument:', "      Version: '2012-10-17'", '      Statement:',
      '        - Effect: Allow', `          Principal: { AWS: !Ref ${hubRoleParameter(role)} }`, '          Action: [sts:AssumeRole, sts:TagSession]',
      '          Condition:', '            StringEquals:', '              aws:PrincipalOrgID: !Ref OrganizationId',
      '    Policies:', '      - PolicyName: warden', '        PolicyDocument:', "          Version: '2012-10-17'", '          Statement:',
      ...statementsYaml(statementsOf(spokeGrants(role)), '            '),
    );
  }
  return lines.map((l) => `${indent}${l}`.trimEnd()).join('\n');
}

/** infra/spoke.yaml: its parameters naming the hub's function roles. */
export const hubRoleParametersYaml = (indent: string): string =>
  (Object.entries(SPOKE_ROLES) as [SpokeRole, string][]).flatMap(([role, fn]) => [
    `${hubRoleParameter(role)}:`, '  Type: String', "  AllowedPattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$'",
    `  Description: The role of the hub's ${fn} (the hub stack's output SpokeParameters lists every one).`,
  ]).map((l) => `${indent}${l}`).join('\n');

/** template.yaml's output SpokeParameters: the spoke stack's hub role parameters, ready for --parameter-overrides. */
export const spokeParametersYaml = (indent: string): string =>
  `${indent}Value: !Sub '${(Object.entries(SPOKE_ROLES) as [SpokeRole, string][]).map(([role, fn]) => `${hubRoleParameter(role)}=\${${fn}Role.Arn}`).join(' ')}'`;

/** A section's body, at the BEGIN marker's indent; `text` is the whole file (for sections made from its resources). */
type Section = { name: string; body: (indent: string, text: string) => string };

/** Each generated section of template.yaml: its marker name and its body, indented as the BEGIN marker is. */
const SECTIONS: Section[] = [
  { name: 'triage-rules', body: triageRulesYaml },
  { name: 'triage-rule-arns', body: triageRuleArnsYaml },
  { name: 'triage-rule-arns-dlq', body: triageRuleArnsYaml },
  // Inside the function's `Policies` → `Statement:` list; hand-written statements may stay before or after.
  ...Object.entries(GENERATED_POLICIES).map(([id, grants]) => ({
    name: `iam-${id}`,
    body: (indent: string) => statementsYaml(statementsOf(grants()), indent).join('\n'),
  })),
  { name: 'spoke-access', body: spokeAccessYaml },
  { name: 'spoke-parameters', body: spokeParametersYaml },
  { name: 'execution-alarms', body: executionAlarmsYaml },
  { name: 'dashboard', body: dashboardYaml },
];

/** Each generated section of infra/spoke.yaml. */
const SPOKE_SECTIONS: Section[] = [
  { name: 'hub-role-parameters', body: hubRoleParametersYaml },
  { name: 'forward-rules', body: forwardRulesYaml },
  { name: 'forward-rule-arns', body: forwardRuleArnsYaml },
  { name: 'spoke-roles', body: spokeRolesYaml },
];

function rewrite(text: string, sections: Section[], file: string): string {
  let out = text;
  for (const { name, body } of sections) {
    const begin = `# BEGIN GENERATED ${name} (npm run gen:template; do not edit by hand)`;
    const end = `# END GENERATED ${name}\n`;
    const start = out.indexOf(begin);
    const stop = out.indexOf(end, start);
    if (start < 0 || stop < start) throw new Error(`${file}: markers "${begin}" … "${end.trim()}" not found`);
    const indent = out.slice(out.lastIndexOf('\n', start) + 1, start);
    out = `${out.slice(0, start)}${begin}\n${body(indent, text)}\n${indent}${out.slice(stop)}`;
  }
  return out;
}

/** template.yaml with its generated sections rewritten. Throws when the markers of a section are missing. */
export const generatedTemplate = (text: string): string => rewrite(text, SECTIONS, 'template.yaml');
/** infra/spoke.yaml with its generated sections rewritten. */
export const generatedSpoke = (text: string): string => rewrite(text, SPOKE_SECTIONS, 'infra/spoke.yaml');

export const templatePath = fileURLToPath(new URL('../template.yaml', import.meta.url));
export const spokePath = fileURLToPath(new URL('../infra/spoke.yaml', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, generate, name] of [[templatePath, generatedTemplate, 'template.yaml'], [spokePath, generatedSpoke, 'infra/spoke.yaml']] as const) {
    const text = readFileSync(path, 'utf8');
    const next = generate(text);
    if (next !== text) writeFileSync(path, next);
    console.log(next === text ? `${name}: generated sections up to date` : `${name}: generated sections rewritten`);
  }
}
