/**
 * The local harness itself: moto server (EC2 security-group rules, reset, ECS transition) and the HTTP sink.
 * Also pins the moto 5.2.5 behaviours that Warden's remediation code relies on.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { startMoto, useEmulator, type Moto } from '../../local/moto';
import { startSink } from '../../local/sink';

let moto: Moto;
let ec2: EC2Client;

beforeAll(async () => {
  moto = await startMoto();
  useEmulator(moto.endpoint);
  ec2 = new EC2Client({}); // endpoint, region and credentials all come from the environment
});

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
});

async function makeGroup(): Promise<{ vpcId: string; groupId: string }> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId;
  if (!vpcId) throw new Error('no VpcId');
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'warden-harness', Description: 'harness', VpcId: vpcId }));
  if (!sg.GroupId) throw new Error('no GroupId');
  return { vpcId, groupId: sg.GroupId };
}

describe('moto server harness', () => {
  test('starts on a loopback port and environment points the SDK at it', async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect(process.env.AWS_ENDPOINT_URL).toBe(moto.endpoint);
    expect(process.env.AWS_REGION).toBe('us-east-1');
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect(await ec2.config.region()).toBe('us-east-1');
    const res = await fetch(`${moto.endpoint}/moto-api/state-manager/get-transition?model_name=ecs::task`);
    expect(await res.json()).toEqual({ progression: 'manual', times: 1_000_000 });
  });

  test('security-group rule lifecycle: authorize, describe by group-id, revoke by rule id', async () => {
    const { groupId } = await makeGroup();

    const auth = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }] }],
      }),
    );
    expect(auth.Return).toBe(true);
    expect(auth.SecurityGroupRules).toHaveLength(1);
    const ruleId = auth.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    expect(ruleId).toMatch(/^sgr-[0-9a-f]+$/);

    const described = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    const rules = described.SecurityGroupRules ?? [];
    // A new group also has moto's default allow-all egress rule.
    expect(rules.filter((r) => r.IsEgress === true)).toHaveLength(1);
    const rule = rules.find((r) => r.SecurityGroupRuleId === ruleId);
    expect(rule).toMatchObject({
      GroupId: groupId,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
      Description: 'ssh',
      Tags: [],
    });

    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }));
    expect(revoked.Return).toBe(true);
    // moto 5.2.5 does not return RevokedSecurityGroupRules (AWS does); do not depend on it.
    expect(revoked.RevokedSecurityGroupRules).toBeUndefined();

    const after = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    expect((after.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId)).not.toContain(ruleId);

    // Revoking the same rule again is an error, as on AWS.
    await expect(
      ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] })),
    ).rejects.toMatchObject({ name: 'InvalidPermission.NotFound', $metadata: { httpStatusCode: 400 } });
  });

  test('rule tags from TagSpecifications come back on DescribeSecurityGroupRules', async () => {
    const { groupId } = await makeGroup();
    const auth = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'owner', Value: 'warden' }] }],
      }),
    );
    const ruleId = auth.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
    expect(ruleId).toBeDefined();
    const byTag = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:owner', Values: ['warden'] }] }));
    expect((byTag.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId)).toEqual([ruleId]);
    expect(byTag.SecurityGroupRules?.[0]?.Tags).toEqual([{ Key: 'owner', Value: 'warden' }]);
  });

  test('reset() empties state and keeps the ECS transition', async () => {
    const { vpcId } = await makeGroup();
    const before = await ec2.send(new DescribeVpcsCommand({}));
    expect((before.Vpcs ?? []).map((v) => v.VpcId)).toContain(vpcId);

    await moto.reset();

    const after = await ec2.send(new DescribeVpcsCommand({}));
    const ids = (after.Vpcs ?? []).map((v) => v.VpcId);
    expect(ids).not.toContain(vpcId);
    expect((after.Vpcs ?? []).every((v) => v.IsDefault === true)).toBe(true); // only moto's default VPC is left
    const res = await fetch(`${moto.endpoint}/moto-api/state-manager/get-transition?model_name=ecs::task`);
    expect(await res.json()).toEqual({ progression: 'manual', times: 1_000_000 });
  });
});

describe('notification sink', () => {
  test('records requests and answers the configured status', async () => {
    const sink = await startSink();
    try {
      expect(sink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const ok = await fetch(`${sink.url}/hooks/slack?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test': 'a' },
        body: JSON.stringify({ text: 'hello' }),
      });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('ok');
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]).toMatchObject({
        method: 'POST',
        path: '/hooks/slack?x=1',
        body: '{"text":"hello"}',
        json: { text: 'hello' },
        headers: { 'content-type': 'application/json', 'x-test': 'a' },
      });

      sink.setStatus(500);
      const bad = await fetch(`${sink.url}/plain`, { method: 'POST', body: 'not json' });
      expect(bad.status).toBe(500);
      await bad.text();
      expect(sink.received).toHaveLength(2);
      expect(sink.received[1]?.json).toBeUndefined();
      expect(sink.received[1]?.body).toBe('not json');

      sink.clear();
      expect(sink.received).toHaveLength(0);
    } finally {
      await sink.close();
    }
    await expect(fetch(`${sink.url}/gone`)).rejects.toThrow();
  });
});
