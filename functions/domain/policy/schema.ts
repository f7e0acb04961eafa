import { z } from 'zod';

export const ModeSchema = z.enum(['auto', 'approval', 'notify', 'dry-run']);

const IcmpType = z.string().regex(/^\d{1,3}(:\d{1,3})?$/, 'an ICMP "type" or "type:code", e.g. "8" or "3:4"');
const ICMP_NOTIFY = ['0', '8', '3:4'] as const;
const ICMPV6_NOTIFY = ['128', '129', '2'] as const;

const TagMatch = z.object({ key: z.string().min(1), value: z.string().min(1) }).strict();

const ControlSettings = z
  .object({
    mode: ModeSchema.optional(),
    enabled: z.boolean().optional(),
    /**
     * sg-world-open-ingress: ports that may be world-open on a public front end (a group carrying `publicTag`, or one
     * live state shows is an internet-facing load balancer's or its client-IP-preserving targets'). Default 80, 443.
     */
    publicPorts: z.array(z.number().int().min(0).max(65535)).optional(),
    publicTag: TagMatch.optional(),
  })
  .strict();

/**
 * Capabilities that let a container reach past its own namespaces: network stack (NET_ADMIN), other processes
 * (SYS_PTRACE), the kernel (SYS_MODULE, SYS_RAWIO, BPF, PERFMON, SYSLOG, SYS_BOOT), any host file
 * (DAC_READ_SEARCH), the host clock (SYS_TIME, not namespaced), the LSM policy (MAC_ADMIN, MAC_OVERRIDE) and the
 * audit trail (AUDIT_CONTROL). None is in Docker's default set.
 */
export const DANGEROUS_CAPABILITIES = [
  'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'SYSLOG', 'SYS_BOOT',
  'SYS_TIME', 'MAC_ADMIN', 'MAC_OVERRIDE', 'AUDIT_CONTROL',
] as const;

/**
 * The breaker's defaults: 10 automatic fixes per account, 5 per control and 50 in total in any 15 minutes; 3
 * automatic containments (a runbook stopping a workload: one at a time is an incident, a burst is more likely a
 * detector misfiring across a fleet, and each one stops something that was running).
 */
export const BRAKE_LIMITS = { windowMinutes: 15, perAccount: 10, perControl: 5, total: 50, containment: 3 } as const;

/**
 * The policy document (YAML or JSON). Every field has a default, so `{}` is a valid policy.
 * Modes only ever get stricter: see mode.ts.
 */
export const PolicySchema = z
  .object({
    defaults: z.object({ mode: ModeSchema.default('auto') }).strict().default({ mode: 'auto' })
      .describe('The global mode: auto (fix), approval (ask first), notify (tell the owner the fix) or dry-run (record only). Modes only get stricter: the deployment\'s DefaultMode, this, a control\'s mode and an environment\'s mode combine by strictest.'),
    environments: z
      .object({ tag: z.string().min(1).default('Environment'), modes: z.record(z.string(), ModeSchema).default({}) })
      .strict()
      .default({ tag: 'Environment', modes: {} })
      .describe('A mode per value of the environment tag (`tag`, default Environment), e.g. modes: { prod: approval }.'),
    controls: z.record(z.string(), ControlSettings).default({})
      .describe('Per control id (docs/controls.md): mode, enabled; for sg-world-open-ingress also publicPorts and publicTag.'),
    owners: z
      .object({
        tag: z.string().min(1).default('Owner'),
        channels: z.record(z.string(), z.string()).default({}),
        fallback: z.string().min(1).default('#security-alerts'),
      })
      .strict()
      .default({ tag: 'Owner', channels: {}, fallback: '#security-alerts' })
      .describe('Who hears about a finding: the owner tag\'s value picks a Slack channel from `channels`, else `fallback`.'),
    /**
     * Exemptions (policy/exemption.ts): `tag` names the tags (`<tag>-until`, `<tag>-reason`, `<tag>-by`, and `<tag>`
     * alone, the form without an expiry); no exemption lasts longer than `maxDays` from when Warden first saw it.
     */
    exemptions: z
      .object({ tag: z.string().min(1).default('warden:exempt'), maxDays: z.number().int().min(1).max(3650).default(90) })
      .strict()
      .default({ tag: 'warden:exempt', maxDays: 90 })
      .describe('Exemption tags (<tag>-until, <tag>-reason, <tag>-by) and the cap: no exemption lasts longer than maxDays from when Warden first saw it.'),
    /** What counts as world-open network access. */
    network: z
      .object({
        /**
         * A union of ingress ranges is world-open when it holds at least as many public addresses as one /ipv4
         * (IPv4) or /ipv6 (IPv6) block. Defaults: a /8 (2^24 addresses) and a /16 (2^112).
         */
        worldOpen: z
          .object({ ipv4: z.number().int().min(0).max(32).default(8), ipv6: z.number().int().min(0).max(128).default(16) })
          .strict()
          .default({ ipv4: 8, ipv6: 16 }),
        /**
         * ICMP open to the world that is recorded and notified, never revoked: "type" (any code) or "type:code".
         * Defaults: echo request and reply, and path-MTU discovery (IPv4 3:4 fragmentation needed, IPv6 2 packet too big).
         */
        icmpNotify: z
          .object({ icmp: z.array(IcmpType).default([...ICMP_NOTIFY]), icmpv6: z.array(IcmpType).default([...ICMPV6_NOTIFY]) })
          .strict()
          .default({ icmp: [...ICMP_NOTIFY], icmpv6: [...ICMPV6_NOTIFY] }),
      })
      .strict()
      .default({ worldOpen: { ipv4: 8, ipv6: 16 }, icmpNotify: { icmp: [...ICMP_NOTIFY], icmpv6: [...ICMPV6_NOTIFY] } })
      .describe('What counts as world-open: a union of ingress ranges as large as one /ipv4 (or /ipv6) block of public addresses; ICMP types that are only notified.'),
    /** Image registries (globs, `*` allowed) that images may come from. Empty: only the account's own ECR. */
    trustedRegistries: z.array(z.string().min(1)).default([]).describe('Image registries (globs, * allowed) images may come from. Empty: only the account\'s own ECR.'),
    /**
     * Linux capabilities whose addition (linuxParameters.capabilities.add) ecs-task-dangerous-capabilities reports.
     * ALL and SYS_ADMIN are privileged whatever this says (ecs-task-privileged).
     */
    dangerousCapabilities: z.array(z.string().min(1)).default([...DANGEROUS_CAPABILITIES])
      .describe('Linux capabilities whose addition ecs-task-dangerous-capabilities reports (ALL and SYS_ADMIN are privileged whatever this says).'),
    /** CIDRs allowed to reach a public EKS endpoint. Empty: restrict-eks-endpoint turns public access off. */
    eks: z.object({ adminCidrs: z.array(z.string().min(1)).default([]) }).strict().default({ adminCidrs: [] })
      .describe('CIDRs allowed to reach a public EKS endpoint. Empty: restrict-eks-endpoint turns public access off.'),
    /** What harden-task-definition sets. */
    hardening: z
      .object({
        /** Non-root user for containers that run as root (the image must have it). */
        user: z.string().min(1).default('1000'),
        /** awslogs group for containers without logging: `<prefix><family>`. */
        logGroupPrefix: z.string().min(1).default('/ecs/'),
      })
      .strict()
      .default({ user: '1000', logGroupPrefix: '/ecs/' })
      .describe('What harden-task-definition sets: the non-root user, and the awslogs group prefix for containers without logging.'),
    /**
     * stop-ecs-tasks stops the tasks the finding names. Other running tasks of the same task definition are listed in
     * the plan (`list`), or also stopped (`stop`), at most `maxSiblings` of them.
     */
    stopTasks: z
      .object({ siblings: z.enum(['list', 'stop']).default('list'), maxSiblings: z.number().int().min(0).max(100).default(10) })
      .strict()
      .default({ siblings: 'list', maxSiblings: 10 })
      .describe('stop-ecs-tasks: other running tasks of the same task definition are listed in the plan, or also stopped (at most maxSiblings).'),
    /** GuardDuty severity bands: at or above `contain` Warden contains, at or above `notify` it notifies, below it records. */
    guardduty: z
      .object({ contain: z.number().min(0).max(10).default(7), notify: z.number().min(0).max(10).default(4) })
      .strict()
      .refine((g) => g.notify <= g.contain, { message: 'guardduty.notify must not exceed guardduty.contain' })
      .default({ contain: 7, notify: 4 })
      .describe('GuardDuty severity bands: at or above contain Warden runs the runbook, at or above notify it tells the owner, below it records.'),
    /** Who may approve, and how long an approval waits. */
    approvals: z
      .object({
        /** Slack user ids (U…/W…), Slack user-group ids (S…) or IAM principal ARNs (for `warden approve`). */
        approvers: z.array(z.string().min(1)).default([]),
        /** Per control id: replaces `approvers` for that control. */
        byControl: z.record(z.string(), z.array(z.string().min(1))).default({}),
        /** Per value of the environment tag (environments.tag): replaces `approvers` for that environment. */
        byEnvironment: z.record(z.string(), z.array(z.string().min(1))).default({}),
        timeoutSeconds: z.number().int().min(60).max(604800).default(3600),
        escalation: z
          .object({ channel: z.string().min(1).default('#security-escalations'), timeoutSeconds: z.number().int().min(60).max(604800).default(3600) })
          .strict()
          .default({ channel: '#security-escalations', timeoutSeconds: 3600 }),
        /** After the escalation times out: deny (default), or apply when the finding is CRITICAL. */
        onTimeout: z.enum(['deny', 'apply-if-critical']).default('deny'),
      })
      .strict()
      .default({ approvers: [], byControl: {}, byEnvironment: {}, timeoutSeconds: 3600, escalation: { channel: '#security-escalations', timeoutSeconds: 3600 }, onTimeout: 'deny' })
      .describe('Who may approve (Slack user ids U…/W…, user-group ids S…, IAM ARNs), per control (or runbook:<name>) and per environment, and how long an approval waits.'),
    /**
     * The kill switch: while true, no run changes anything. A run that would (auto, or approval) is recorded `held`
     * at its mode step, and again just before its change (runs already under way read the deployed policy there).
     * Notify and dry-run runs go on: they change nothing.
     */
    paused: z.boolean().default(false).describe('The kill switch: true holds every run that would change something (at its mode step, or just before its change); notify and dry-run go on.'),
    /**
     * The breaker (domain/brakes.ts): automatic changes per fixed window of `windowMinutes`, counted per account, per
     * control and in total; runbooks' automatic containment has a count of its own. A run that would go past a
     * limit is held, not applied. Approved, released and hand-started changes are not counted (a person decided).
     * 0 holds every automatic change of that kind.
     */
    limits: z
      .object({
        windowMinutes: z.number().int().min(1).max(1440).default(BRAKE_LIMITS.windowMinutes),
        perAccount: z.number().int().min(0).max(100000).default(BRAKE_LIMITS.perAccount),
        perControl: z.number().int().min(0).max(100000).default(BRAKE_LIMITS.perControl),
        total: z.number().int().min(0).max(100000).default(BRAKE_LIMITS.total),
        containment: z.number().int().min(0).max(100000).default(BRAKE_LIMITS.containment),
      })
      .strict()
      .default({ ...BRAKE_LIMITS })
      .describe('The breaker: automatic changes per fixed window of windowMinutes, per account, per control and in total, and runbook containments; past a limit a run is held, not applied.'),
    /**
     * Decisions stick (domain/decisions.ts): a finding an approver denied, or an accepted risk (an exemption in force,
     * notified), is not raised again by events or sweeps for `suppressDays`, unless its severity rises or it has new
     * targets. 0: every event and sweep raises it again.
     */
    decisions: z.object({ suppressDays: z.number().int().min(0).max(365).default(30) }).strict().default({ suppressDays: 30 })
      .describe('Decisions stick: a denied finding, or an accepted risk (an exemption in force), is not raised again for suppressDays unless its severity rises or it has new targets. 0: raise it every time.'),
    /**
     * Security Hub (domain/securityhub.ts). Findings that came from Security Hub always get their workflow status and
     * a note written back; `importFindings` also imports Warden's own findings (from CloudTrail, Config and GuardDuty
     * events) as ASFF, and closes them when fixed.
     */
    securityHub: z
      .object({ importFindings: z.boolean().default(false) })
      .strict()
      .default({ importFindings: false })
      .describe("Security Hub: importFindings also imports Warden's own findings (CloudTrail, Config, GuardDuty) into Security Hub as ASFF and archives them when fixed. Findings that came from Security Hub always get their workflow status and a note written back."),
    /** Role names or ARNs (glob `*` allowed) whose changes Warden ignores: the loop guard. */
    ownRoles: z.array(z.string().min(1)).default(['warden-*']).describe('Role names or ARNs (glob * allowed) whose changes Warden ignores: the loop guard.'),
  })
  .strict();

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type ControlSettings = z.output<typeof ControlSettings>;
