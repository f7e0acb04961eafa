// template.yaml's generated sections are current, and the facts they hold are written by hand in one place only.
import { readFileSync } from 'node:fs';
import { controls } from '../../functions/domain/controls';
import { triageRules } from '../../functions/domain/triage-rules';
import { ACTION_CATALOG } from '../../functions/actions/catalog';
import { TRIAGE_LIVE_READS, type Grant } from '../../functions/aws/permissions';
import { RUNBOOK_GRANTS, RUNBOOK_PROGRESS } from '../../functions/runbooks/grants';
import { generatedTemplate, templatePath } from '../../scripts/gen-template';

const template = readFileSync(templatePath, 'utf8');

test('the generated sections of template.yaml are up to date (run `npm run gen:template`)', () => {
  expect(generatedTemplate(template)).toBe(template);
});

test('outside the generated sections, template.yaml names no Security Hub control id and no watched CloudTrail call', () => {
  // Comments are prose, and `ecs:UpdateService` is an IAM action (a fact of its own), not an event to route.
  const handWritten = template.replace(/# BEGIN GENERATED[\s\S]*?# END GENERATED[^\n]*/g, '')
    .replace(/#[^\n]*/g, '').replace(/ec2:CreateAction: \w+/g, '').replace(/\b[a-z0-9-]+:[A-Za-z]+\b/g, '');
  const hubIds = controls.flatMap((c) => c.mappings.securityHub ?? []);
  const calls = triageRules().flatMap((r) => ((r.pattern.detail as { eventName?: string[] })?.eventName ?? []));
  expect(hubIds.length).toBeGreaterThan(10);
  expect(calls.length).toBeGreaterThan(10);
  expect([...hubIds, ...calls].filter((fact) => new RegExp(`\\b${fact.replace('.', '\\.')}\\b`).test(handWritten))).toEqual([]);
});

test('outside the generated sections, template.yaml names no IAM action that only runbook steps need (they are declared in functions/runbooks/grants.ts)', () => {
  const handWritten = template.replace(/# BEGIN GENERATED[\s\S]*?# END GENERATED[^\n]*/g, '').replace(/#[^\n]*/g, '');
  const actionsOf = (grants: readonly Grant[]) => grants.flatMap((g) => g.actions);
  const elsewhere = new Set([
    ...ACTION_CATALOG.flatMap((a) => Object.values(a.permissions as Record<string, readonly Grant[]>).flatMap(actionsOf)),
    ...Object.values(TRIAGE_LIVE_READS).flatMap(actionsOf),
  ]);
  // The audit table is also the Record and approval functions' (hand-written): its actions are not the runbooks' alone.
  const runbookOnly = [...new Set([...Object.values(RUNBOOK_GRANTS).flatMap((steps) => Object.values(steps as Record<string, readonly Grant[]>).flatMap(actionsOf)), ...actionsOf(RUNBOOK_PROGRESS)])]
    .filter((a) => !elsewhere.has(a) && !a.startsWith('dynamodb:'));
  expect(runbookOnly).toEqual(expect.arrayContaining(['ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateSnapshot', 'ecs:UpdateContainerInstancesState']));
  expect(runbookOnly.filter((a) => new RegExp(`\\b${a}\\b`).test(handWritten))).toEqual([]);
});

test('each Security Hub control id is declared by exactly one control, once', () => {
  const ids = controls.flatMap((c) => c.mappings.securityHub ?? []);
  expect(ids.length).toBe(new Set(ids).size);
});
