import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ListTagsForResourceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { clients } from '../../functions/aws/clients';
import { getAuditRecord } from '../../functions/audit/get';
import { describeRules } from '../../functions/aws/security-groups';
import { describeRule } from '../../functions/domain/net';
import type { LocalWarden } from '../../local/warden-local';
import { allow, ecsNetwork, tcp } from '../../local/sandbox';
import { out, type Scene } from './scene';

const SAMPLE_ACCOUNT = '111122223333';
const MOTO_ACCOUNT = '123456789012';
const SAMPLE_TASK = `arn:aws:ecs:us-east-1:${SAMPLE_ACCOUNT}:task/payments/0a11c0ffee0000000000000000000001`;
const SAMPLE_LOW_TASK = `arn:aws:ecs:us-east-1:${SAMPLE_ACCOUNT}:task/payments/0a11c0ffee0000000000000000000004`;
const REVOKE_RUN = 'demo-revoke-legacy-vpn';

/**
 * Incidents: GuardDuty finds a reverse shell in a standalone task (evidence, tag, stop, timeline); the same finding
 * updated is a repeat; a low-severity one is recorded only. Then by hand: revoke-open-ingress on a legacy VPN group,
 * and, the VPN being intended, restore-security-group-rule puts back exactly the revoked rule after a Slack approval.
 */
export async function incidentScenes(warden: LocalWarden) {
  const ecs = clients.ecs();
  const net = await ecsNetwork();
  const def = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'payments-debug', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'debug', image: `${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/payments/debug:latest`, cpu: 256, memory: 512 }],
  }));
  const created: Record<string, string> = {};
  const vpn = (await clients.ec2().send(new CreateSecurityGroupCommand({ VpcId: net.vpc, GroupName: 'legacy-vpn', Description: 'legacy-vpn' }))).GroupId!;
  const ingress = async () => (await describeRules(clients.ec2(), vpn)).filter((r) => !r.isEgress).map((r) => describeRule({ ...r, ruleId: undefined })).sort();
  out(`Seeded ${vpn} (legacy-vpn) in ${net.vpc} for the incident scenes\n`);

  const task = async () => {
    const t = (await ecs.send(new DescribeTasksCommand({ cluster: 'payments', tasks: [created.task!] }))).tasks?.[0];
    const tags = (await ecs.send(new ListTagsForResourceCommand({ resourceArn: created.task! }))).tags ?? [];
    return `task ${created.task!.split('/').pop()} desiredStatus ${t?.desiredStatus}; tags ${tags.map((x) => `${x.key}=${x.value}`).join(', ') || '(none)'}`;
  };
  const ids = () => ({ [SAMPLE_TASK]: created.task!, [SAMPLE_LOW_TASK]: created.task!, [SAMPLE_ACCOUNT]: MOTO_ACCOUNT });
  const vpnRules = async () => (await describeRules(clients.ec2(), vpn)).filter((r) => !r.isEgress).map(describeRule).sort().join('; ') || '(no ingress rules)';

  const scenes: Scene[] = [
    {
      title: 'GuardDuty: a reverse shell in a standalone Fargate task (Execution:Runtime/ReverseShell, severity 8)',
      sample: 'guardduty/ecs-runtime-reverse-shell-standalone.json',
      change: async () => {
        const run = await ecs.send(new RunTaskCommand({
          cluster: 'payments', taskDefinition: def.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', startedBy: 'alice',
          networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: 'DISABLED' } },
        }));
        created.task = run.tasks![0]!.taskArn!;
      },
      ids,
      show: task,
    },
    {
      title: 'GuardDuty updates the same finding (count 2, same severity): a repeat',
      sample: 'guardduty/ecs-runtime-reverse-shell-standalone.json',
      ids: () => ({ ...ids(), '5c1d0e6a-0000-4000-8000-000000000001': '5c1d0e6a-0000-4000-8000-000000000099', '"count": 1': '"count": 2' }),
    },
    {
      title: 'GuardDuty: a low-severity runtime finding (severity 2)',
      sample: 'guardduty/ecs-runtime-low.json',
      ids,
    },
    {
      title: 'By hand: revoke-open-ingress (the remediate workflow) on legacy-vpn (UDP 1194 open to the world)',
      change: async () => {
        created.vpnRule = await allow(vpn, { IpProtocol: 'udp', FromPort: 1194, ToPort: 1194, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'OpenVPN clients' }] });
        await allow(vpn, tcp(443, '10.0.0.0/8'));
        created.vpnBefore = JSON.stringify(await ingress());
      },
      runbook: { name: 'revoke-open-ingress', executionName: REVOKE_RUN, input: () => ({ target: vpn, requestedBy: 'demo:responder', reason: 'open VPN port found in review' }) },
      show: vpnRules,
    },
    {
      title: 'The VPN port was intended: restore-security-group-rule from that audit record, approved in Slack',
      runbook: { name: 'restore-security-group-rule', input: () => ({ target: REVOKE_RUN, requestedBy: 'demo:responder', reason: 'VPN is a sanctioned entry point' }) },
      decide: { control: 'runbook:restore-security-group-rule', decision: 'approve', userId: 'U0SECLEAD' },
      show: vpnRules,
    },
  ];

  const check = async (): Promise<string[]> => {
    const problems: string[] = [];
    if (!(await task()).includes('desiredStatus STOPPED')) problems.push('the compromised task was not stopped');
    const contained = [...warden.runs.keys()].find((k) => k.startsWith('guardduty-container-threat-'));
    const record = contained ? await getAuditRecord(contained, { dynamodb: clients.dynamodb(), tableName: warden.resources.tableName }) : undefined;
    const steps = record?.runbook?.timeline.map((e) => e.step) ?? [];
    if (!['capture-evidence', 'tag-task', 'stop-task'].every((s) => steps.includes(s))) problems.push('the containment timeline is incomplete');
    if ([...warden.runs.keys()].filter((k) => k.startsWith('guardduty-container-threat-')).length !== 1) problems.push('GuardDuty findings started more than one run');
    if (JSON.stringify(await ingress()) !== created.vpnBefore) problems.push(`legacy-vpn rules after the restore differ from before the revocation: ${await vpnRules()}`);
    return problems;
  };
  return { scenes, check };
}
