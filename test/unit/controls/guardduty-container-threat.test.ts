import { guarddutyContainerThreat as control, severityLabel } from '../../../functions/domain/controls/guardduty-container-threat';
import { evaluate } from '../../../functions/domain/evaluate';
import { groupFindings } from '../../../functions/domain/grouping';
import { executionName } from '../../../functions/domain/naming';
import type { GuardDutyFacts, ResourceType } from '../../../functions/domain/model';
import { ACCOUNT, eksObs, observation, policy, REGION } from './fixtures';
import { exempted } from '../../support/exemptions';

const TASK_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/main/0123456789abcdef`;

const facts = (over: Partial<GuardDutyFacts> = {}): GuardDutyFacts => ({
  id: 'f-1',
  type: 'Execution:Runtime/ReverseShell',
  severity: 8,
  resourceType: 'ECSCluster',
  clusterName: 'main',
  taskArn: TASK_ARN,
  taskGroup: 'family:debug',
  process: 'bash (/bin/bash)',
  ...over,
});

const gdObs = (f: Partial<GuardDutyFacts> = {}, type: ResourceType = 'AWS::ECS::Task', tags?: Record<string, string>) =>
  observation({ kind: 'guardduty-finding', finding: facts(f) }, { type, source: 'guardduty', eventName: 'GuardDuty Finding', ...(tags ? { tags } : {}) });

const only = (o: ReturnType<typeof gdObs>, p = policy()) => {
  const r = control.evaluate(o, p);
  expect(r.findings).toHaveLength(1);
  return { finding: r.findings[0]!, note: r.note };
};

describe('guardduty-container-threat', () => {
  test.each([
    [10, 'CRITICAL'],
    [9, 'CRITICAL'],
    [8.9, 'HIGH'],
    [7, 'HIGH'],
    [6.9, 'MEDIUM'],
    [4, 'MEDIUM'],
    [3.9, 'LOW'],
    [1, 'LOW'],
  ])('severity %s is %s', (n, label) => expect(severityLabel(n)).toBe(label));

  test('applies to GuardDuty facts only', () => {
    expect(control.appliesTo(gdObs())).toBe(true);
    expect(control.appliesTo(eksObs({}))).toBe(false);
    expect(control.evaluate(eksObs({}), policy())).toEqual({ findings: [] });
  });

  describe('contain band (≥ 7 by default)', () => {
    test('standalone ECS task: contain-ecs-task, auto, targeting the task; evidence names type, resource and process', () => {
      const { finding, note } = only(gdObs());
      expect(finding).toMatchObject({
        control: 'guardduty-container-threat',
        severity: 'HIGH',
        resource: { id: TASK_ARN },
        remediation: { action: 'contain-ecs-task', mode: 'auto', targets: [TASK_ARN] },
      });
      expect(finding.evidence).toContain('Execution:Runtime/ReverseShell');
      expect(finding.evidence).toContain(`task ${TASK_ARN} (standalone)`);
      expect(finding.evidence).toContain('process bash (/bin/bash)');
      expect(note).toBeUndefined();
    });
    test('task of a service: approval', () => {
      const { finding } = only(gdObs({ taskGroup: 'service:web', severity: 9.5 }));
      expect(finding).toMatchObject({ severity: 'CRITICAL', remediation: { action: 'contain-ecs-task', mode: 'approval' } });
      expect(finding.evidence).toContain('of service:web');
    });
    test('EC2 host (ECS container instance or EKS node): isolate-container-instance, approval', () => {
      const arn = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
      const o = gdObs({ resourceType: 'Instance', taskArn: undefined, instanceId: 'i-0123456789abcdef0', instanceArn: arn, host: 'eks', clusterName: 'prod' }, 'AWS::EC2::Instance');
      const { finding } = only(o);
      expect(finding.remediation).toEqual({ action: 'isolate-container-instance', mode: 'approval', targets: [arn] });
      expect(finding.evidence).toContain('instance i-0123456789abcdef0 (EKS node of prod)');
      const ecs = only(gdObs({ resourceType: 'Instance', instanceId: 'i-1', host: 'ecs' }, 'AWS::EC2::Instance')).finding;
      expect(ecs.evidence).toContain('(ECS container instance)');
    });
    test('EKS cluster: eks-finding-response with the actor and workload', () => {
      const o = gdObs(
        { resourceType: 'EKSCluster', type: 'Policy:Kubernetes/AnonymousAccessGranted', clusterName: 'prod', taskArn: undefined, process: undefined, kubernetesUser: 'system:anonymous', kubernetesNamespace: 'default', kubernetesWorkload: 'pods/web' },
        'AWS::EKS::Cluster',
      );
      const { finding } = only(o);
      expect(finding.remediation).toEqual({ action: 'eks-finding-response', mode: 'auto', targets: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`] });
      expect(finding.evidence).toContain('EKS cluster prod, default/pods/web');
      expect(finding.evidence).toContain('actor system:anonymous');
    });
    describe('EKS runtime finding on a node running on EC2', () => {
      const NODE = 'i-0a11c0ffee0000002';
      const node = (over: Partial<GuardDutyFacts> = {}, clusterTags?: Record<string, string>) => gdObs({
        resourceType: 'EKSCluster', type: 'Impact:Runtime/CryptoMinerExecuted', clusterName: 'prod', taskArn: undefined, runtime: true,
        kubernetesNamespace: 'reporting', kubernetesWorkload: 'pods/reports-1', instanceId: NODE,
        instanceArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${NODE}`, instanceTags: { 'eks:cluster-name': 'prod', Owner: 'nodes-team' }, ...over,
      }, 'AWS::EKS::Cluster', clusterTags);

      test('two findings: isolate the node (approval, the instance id as resource), then the kubectl plan for the cluster', () => {
        const { findings } = control.evaluate(node(), policy());
        expect(findings.map((f) => [f.remediation.action, f.resource.type, f.resource.id, f.remediation.mode, f.remediation.targets])).toEqual([
          ['isolate-container-instance', 'AWS::EC2::Instance', NODE, 'approval', [NODE]],
          ['eks-finding-response', 'AWS::EKS::Cluster', `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`, 'auto', [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`]],
        ]);
        expect(findings[0]!.resource).toMatchObject({ arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${NODE}`, tags: { Owner: 'nodes-team' } });
        expect(findings[0]!.evidence).toContain(`on EKS node ${NODE} of prod (reporting/pods/reports-1)`);
        // Each starts its own run: the execution names differ by action and resource.
        expect(new Set(findings.map((f) => executionName('evt-1', f))).size).toBe(2);
        expect(groupFindings(findings)).toHaveLength(2);
      });

      test("the node's own tags decide its mode: an exempt node is only notified, the cluster's plan is unchanged", () => {
        const { findings } = control.evaluate(node({ instanceTags: { 'warden:exempt': 'CHG-1' } }), policy());
        expect(findings.map((f) => exempted(f.remediation.mode, f.resource.tags))).toEqual(['notify', 'auto']);
      });

      test('no node to isolate: an audit-log finding (no runtime details), a Fargate pod (no instance), a bad instance id', () => {
        for (const over of [{ runtime: undefined }, { instanceId: undefined, instanceArn: undefined, instanceTags: undefined }, { instanceId: 'i-../../x' }]) {
          expect(control.evaluate(node(over), policy()).findings.map((f) => f.remediation.action)).toEqual(['eks-finding-response']);
        }
      });

      test('notify band: one notify-owner, naming both runbooks', () => {
        const { finding, note } = only(node({ severity: 5 }));
        expect(finding.remediation.action).toBe('notify-owner');
        expect(note).toContain(`with the eks-finding-response runbook, and isolate-container-instance for node ${NODE}`);
      });
    });

    test('ECS finding without a task: notify-owner, with a note', () => {
      const { finding, note } = only(gdObs({ taskArn: undefined }, 'AWS::ECS::Cluster'));
      expect(finding.remediation).toMatchObject({ action: 'notify-owner', mode: 'notify' });
      expect(note).toContain('names no task');
    });
    test('policy modes still apply: an exempt task is notify only', () => {
      const { finding } = only(gdObs({}, 'AWS::ECS::Task', { 'warden:exempt': 'yes' }));
      expect(exempted(finding.remediation.mode, finding.resource.tags)).toBe('notify');
    });
  });

  describe('notify band (≥ 4 and < 7 by default)', () => {
    test.each([
      ['AWS::ECS::Task', 'contain-ecs-task'],
      ['AWS::EC2::Instance', 'isolate-container-instance'],
      ['AWS::EKS::Cluster', 'eks-finding-response'],
    ])('%s: notify-owner naming the %s runbook', (type, runbook) => {
      const { finding, note } = only(gdObs({ severity: 5, ...(type === 'AWS::EC2::Instance' ? { host: 'ecs' as const } : {}) }, type));
      expect(finding).toMatchObject({ severity: 'MEDIUM', remediation: { action: 'notify-owner', mode: 'notify' } });
      expect(note).toContain(`with the ${runbook} runbook`);
    });
    test('the notify threshold itself notifies; a control mode of auto cannot make it act', () => {
      const p = policy({ controls: { 'guardduty-container-threat': { mode: 'auto' } } });
      expect(only(gdObs({ severity: 4 }), p).finding.remediation.mode).toBe('notify');
    });
  });

  describe('record-only band (< 4 by default)', () => {
    test('no finding, a note starting "recorded only:"', () => {
      const r = control.evaluate(gdObs({ severity: 3.9 }), policy());
      expect(r.findings).toEqual([]);
      expect(r.note).toMatch(/^recorded only: /);
    });
  });

  describe('policy bands', () => {
    test('custom thresholds move the bands', () => {
      const p = policy({ guardduty: { contain: 9, notify: 2 } });
      expect(only(gdObs({ severity: 8 }), p).finding.remediation.action).toBe('notify-owner');
      expect(only(gdObs({ severity: 9 }), p).finding.remediation.action).toBe('contain-ecs-task');
      expect(only(gdObs({ severity: 2 }), p).finding.remediation.action).toBe('notify-owner');
      expect(control.evaluate(gdObs({ severity: 1.9 }), p).note).toMatch(/^recorded only/);
    });
    test('defaults are contain 7, notify 4; notify above contain is rejected', () => {
      expect(policy().guardduty).toEqual({ contain: 7, notify: 4 });
      expect(() => policy({ guardduty: { contain: 3, notify: 5 } })).toThrow();
    });
  });
});

describe('evaluate(): a "recorded only" note is ignored, with that reason', () => {
  const event = (severity: number) => ({
    version: '0',
    id: 'e-1',
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: ACCOUNT,
    time: '2025-05-14T09:12:33Z',
    region: REGION,
    resources: [],
    detail: {
      id: 'f-1',
      type: 'Execution:Runtime/NewBinaryExecuted',
      severity,
      resource: { resourceType: 'ECSCluster', ecsClusterDetails: { name: 'main', taskDetails: { arn: TASK_ARN } } },
      service: { archived: false },
    },
  });
  test('low severity: ignored, recorded only', async () => {
    const d = await evaluate(event(2), { policy: policy() });
    expect(d.status).toBe('ignored');
    if (d.status === 'ignored') {
      expect(d.reason).toMatch(/^recorded only: /);
      expect(d.observation?.resource.id).toBe(TASK_ARN);
    }
  });
  test('medium severity: a violation with the task as resource', async () => {
    const d = await evaluate(event(5), { policy: policy() });
    expect(d.status).toBe('violation');
    if (d.status === 'violation') expect(d.findings.map((f) => f.resource.id)).toEqual([TASK_ARN]);
  });
});

test('with live state, a GuardDuty finding keeps its own facts (live reads never replace the evidence)', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const { evaluate } = await import('../../../functions/domain/evaluate');
  const { defaultPolicy } = await import('../../../functions/domain/policy');
  const file = readdirSync('events/guardduty').find((f) => f.includes('high') || f.includes('standalone'))!;
  const event = JSON.parse(readFileSync(`events/guardduty/${file}`, 'utf8'));
  let reads = 0;
  const live = {
    securityGroup: async () => undefined,
    resource: async () => { reads++; return { facts: { kind: 'flagged', flaggedBy: 'x' } as never, tags: {} }; },
  };
  const offline = await evaluate(event, { policy: defaultPolicy() });
  const online = await evaluate(event, { policy: defaultPolicy(), live });
  expect(offline.status).toBe('violation');
  expect(online).toEqual(offline);
  expect(reads).toBe(0);
});

describe('an EC2 instance without ECS or EKS tags', () => {
  const untagged = (f: Partial<GuardDutyFacts> = {}) => gdObs({ instanceId: 'i-0123456789abcdef0', ...f }, 'AWS::EC2::Instance');
  test('offline: needs live state, never a finding', () => {
    const r = control.evaluate(untagged(), policy());
    expect(r).toEqual({ findings: [], note: expect.stringMatching(/^needs live state: EC2 instance i-0123456789abcdef0 has no ECS or EKS tag, so it is not a container host by its tags/) });
  });
  test('looked up and not a container instance: recorded only', () => {
    const r = control.evaluate(untagged({ notAHost: true }), policy());
    expect(r).toEqual({ findings: [], note: expect.stringMatching(/^recorded only: EC2 instance i-0123456789abcdef0 is not a container host/) });
  });
  test('below the notify band it is recorded only, host or not (triage does not look it up)', () => {
    expect(control.evaluate(untagged({ severity: 2 }), policy()).note).toMatch(/^recorded only: GuardDuty .* severity 2 is below the notify threshold 4/);
  });
  test('looked up and found: isolate-container-instance like a tagged host', () => {
    expect(only(untagged({ host: 'ecs', clusterName: 'payments' })).finding.remediation).toMatchObject({ action: 'isolate-container-instance', mode: 'approval' });
  });
});
