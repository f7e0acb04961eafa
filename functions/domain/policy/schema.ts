import { z } from 'zod';

export const ModeSchema = z.enum(['auto', 'approval', 'notify', 'dry-run']);

const TagMatch = z.object({ key: z.string().min(1), value: z.string().min(1) }).strict();

const ControlSettings = z
  .object({
    mode: ModeSchema.optional(),
    enabled: z.boolean().optional(),
    /** sg-world-open-ingress: ports that may be world-open, only on groups carrying `publicTag`. */
    publicPorts: z.array(z.number().int().min(0).max(65535)).optional(),
    publicTag: TagMatch.optional(),
  })
  .strict();

/**
 * The policy document (YAML or JSON). Every field has a default, so `{}` is a valid policy.
 * Modes only ever get stricter: see mode.ts.
 */
export const PolicySchema = z
  .object({
    defaults: z.object({ mode: ModeSchema.default('auto') }).strict().default({ mode: 'auto' }),
    environments: z
      .object({ tag: z.string().min(1).default('Environment'), modes: z.record(z.string(), ModeSchema).default({}) })
      .strict()
      .default({ tag: 'Environment', modes: {} }),
    controls: z.record(z.string(), ControlSettings).default({}),
    owners: z
      .object({
        tag: z.string().min(1).default('Owner'),
        channels: z.record(z.string(), z.string()).default({}),
        fallback: z.string().min(1).default('#security-alerts'),
      })
      .strict()
      .default({ tag: 'Owner', channels: {}, fallback: '#security-alerts' }),
    exemptions: z.object({ tag: z.string().min(1).default('warden:exempt') }).strict().default({ tag: 'warden:exempt' }),
    /** Image registries (globs, `*` allowed) that images may come from. Empty: only the account's own ECR. */
    trustedRegistries: z.array(z.string().min(1)).default([]),
    /** CIDRs allowed to reach a public EKS endpoint. Empty: restrict-eks-endpoint turns public access off. */
    eks: z.object({ adminCidrs: z.array(z.string().min(1)).default([]) }).strict().default({ adminCidrs: [] }),
    /** What harden-task-definition sets. */
    hardening: z
      .object({
        /** Non-root user for containers that run as root (the image must have it). */
        user: z.string().min(1).default('1000'),
        /** awslogs group for containers without logging: `<prefix><family>`. */
        logGroupPrefix: z.string().min(1).default('/ecs/'),
      })
      .strict()
      .default({ user: '1000', logGroupPrefix: '/ecs/' }),
    /** Role names or ARNs (glob `*` allowed) whose changes Warden ignores: the loop guard. */
    ownRoles: z.array(z.string().min(1)).default(['warden-*']),
  })
  .strict();

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type ControlSettings = z.output<typeof ControlSettings>;
