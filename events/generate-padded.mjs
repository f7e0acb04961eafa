// Regenerates cloudtrail/authorize-ssh-world-padded.json: one AuthorizeSecurityGroupIngress with 200 harmless /32
// permissions and, at position 137, tcp/22 from 0.0.0.0/0 (rule sgr-0a11c0ffee00000a4). Run: node events/generate-padded.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const base = JSON.parse(readFileSync(new URL('cloudtrail/authorize-ssh-world.json', here), 'utf8'));
const groupId = base.detail.requestParameters.groupId;
const OPEN_AT = 137;
const COUNT = 200;
const ports = [22, 443, 5432, 8080];

const perms = [];
const rules = [];
const add = (port, cidr, id, description) => {
  perms.push({ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: { items: [{ cidrIp: cidr, description }] }, ipv6Ranges: {}, prefixListIds: {} });
  rules.push({
    groupOwnerId: base.account, groupId, securityGroupRuleId: id, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port,
    cidrIpv4: cidr, description, securityGroupRuleArn: `arn:aws:ec2:${base.region}:${base.account}:security-group-rule/${id}`,
  });
};
for (let i = 0; i < COUNT; i++) {
  if (i === OPEN_AT) add(22, '0.0.0.0/0', 'sgr-0a11c0ffee00000a4', 'temp ssh for debugging');
  const host = i < 100 ? `198.51.100.${i + 1}/32` : `203.0.113.${i - 99}/32`;
  add(ports[i % ports.length], host, `sgr-0ddd0${i.toString(16).padStart(12, '0')}`, `partner host ${i + 1}`);
}

const event = structuredClone(base);
event.id = 'a5f0c1e2-7d3b-4c8a-9e61-3b2d4f5a6c70';
event.time = event.detail.eventTime = '2025-05-14T09:31:08Z';
event.detail.eventID = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
event.detail.requestParameters.ipPermissions.items = perms;
event.detail.responseElements.securityGroupRuleSet.items = rules;
writeFileSync(new URL('cloudtrail/authorize-ssh-world-padded.json', here), JSON.stringify(event, null, 2) + '\n');
console.log(`wrote ${perms.length} permissions, open rule at index ${OPEN_AT}`);
