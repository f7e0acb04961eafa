import { isTrustedImage, parseImage } from './image-ref';
import { taskDefinitionControl } from './task-definition-control';

/**
 * Images must come from a trusted registry: policy `trustedRegistries` (globs), and always the account's own ECR.
 * An image without a registry host (`nginx`) is Docker Hub. No Security Hub or Config equivalent exists.
 */
export const ecsTaskUntrustedImage = taskDefinitionControl(
  {
    id: 'ecs-task-untrusted-image',
    title: 'A container image comes from an untrusted registry',
    severity: 'MEDIUM',
    seedRef: '1 Trusted images: use trusted registries (image repositories), such as Amazon ECR',
    seed: ['1/trusted-registries-amazon-ecr'],
    mappings: {},
    remediation: {
      action: 'notify-owner',
      defaultMode: 'notify',
      summary: "Plan only: tell the owner which images to mirror into the account's ECR (or add the registry to trustedRegistries)",
    },
  },
  (td, o, policy) => {
    const account = o.resource.account || o.account;
    const untrusted = td.containers.filter((c) => c.image !== undefined && !isTrustedImage(c.image, account, policy.trustedRegistries));
    if (untrusted.length === 0) return undefined;
    const list = untrusted.map((c) => `${c.name} (${parseImage(c.image ?? '').repository})`).join(', ');
    return { targets: untrusted.map((c) => c.name), evidence: `images from untrusted registries: ${list}` };
  },
);
