// Regenerates the world-open reach samples (cloudtrail/reach-*.json and invalid/authorize-invalid-cidr.json) from
// cloudtrail/authorize-ssh-world.json: the same documented AuthorizeSecurityGroupIngress record, on group 8, with the
// ranges each case needs. Run: node events/generate-reach.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const base = JSON.parse(readFileSync(new URL('cloudtrail/authorize-ssh-world.json', here), 'utf8'));
const groupId = 'sg-0a11c0ffee0000008';
let next = 1;

/** ranges: [cidr, protocol?, from?, to?]; one permission per range, one response rule each. */
function sample(file, id, ranges) {
  const event = structuredClone(base);
  event.id = `b7c0${id}-1e2d-4c3b-8a59-6f7e8d9c0b1a`;
  event.detail.eventID = `c8d1${id}-2f3e-4d4c-9b6a-7a8b9c0d1e2f`;
  event.detail.requestParameters.groupId = groupId;
  const perms = [];
  const rules = [];
  for (const [cidr, ipProtocol = 'tcp', fromPort = 22, toPort = fromPort] of ranges) {
    const v6 = cidr.includes(':');
    const ruleId = `sgr-0a11c0ffee0008${(next++).toString(16).padStart(3, '0')}`;
    perms.push({
      ipProtocol, fromPort, toPort, groups: {},
      ipRanges: v6 ? {} : { items: [{ cidrIp: cidr }] }, ipv6Ranges: v6 ? { items: [{ cidrIpv6: cidr }] } : {}, prefixListIds: {},
    });
    rules.push({
      groupOwnerId: base.account, groupId, securityGroupRuleId: ruleId, isEgress: false, ipProtocol, fromPort, toPort,
      [v6 ? 'cidrIpv6' : 'cidrIpv4']: cidr, securityGroupRuleArn: `arn:aws:ec2:${base.region}:${base.account}:security-group-rule/${ruleId}`,
    });
  }
  event.detail.requestParameters.ipPermissions.items = perms;
  event.detail.responseElements.securityGroupRuleSet.items = rules;
  writeFileSync(new URL(file, here), JSON.stringify(event, null, 2) + '\n');
  console.log(`${file}: ${rules.map((r) => r.securityGroupRuleId).join(', ')}`);
}

sample('cloudtrail/reach-ssh-two-halves.json', '0001', [['0.0.0.0/1'], ['128.0.0.0/1']]);
sample('cloudtrail/reach-ssh-one-half.json', '0002', [['0.0.0.0/1']]);
sample('cloudtrail/reach-ssh-four-quarters.json', '0003', [['0.0.0.0/2'], ['64.0.0.0/2'], ['128.0.0.0/2'], ['192.0.0.0/2']]);
sample('cloudtrail/reach-ssh-ipv6-half.json', '0004', [['::/1']]);
sample('cloudtrail/reach-ssh-ipv6-global-unicast.json', '0005', [['2000::/3']]);
sample('cloudtrail/reach-ssh-ipv4-mapped.json', '0006', [['::ffff:0:0/96']]);
sample('cloudtrail/reach-ssh-public-slash9.json', '0007', [['52.0.0.0/9']]);
sample('cloudtrail/reach-icmp-echo-world.json', '0008', [['0.0.0.0/0', 'icmp', 8, -1]]);
sample('cloudtrail/reach-icmp-all-world.json', '0009', [['0.0.0.0/0', 'icmp', -1, -1]]);
sample('invalid/authorize-invalid-cidr.json', '000a', [['0.0.0.0/33']]);
