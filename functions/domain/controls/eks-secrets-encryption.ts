import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { EKS_CLUSTER, EKS_TRIGGERS, eksCluster } from './eks-cluster';

const CONFIG_RULES = ['eks-cluster-secrets-encrypted', 'eks-secrets-encrypted'];

/** EKS.3: Kubernetes Secrets envelope-encrypted with KMS. Irreversible to add, so the owner decides. */
export const eksSecretsEncryption: Control = {
  id: 'eks-secrets-encryption',
  title: 'EKS Kubernetes secrets are not encrypted with KMS',
  severity: 'MEDIUM',
  seedRef: '2.4 Secrets management: protection and access control of secrets (applied to Kubernetes Secrets on EKS)',
  seed: ['2.4/secrets-services-rotation-protection'],
  mappings: { securityHub: ['EKS.3'], configRules: CONFIG_RULES, prowler: ['eks_cluster_kms_cmk_encryption_in_secrets_enabled'] },
  resourceTypes: [EKS_CLUSTER],
  triggers: EKS_TRIGGERS,
  remediation: {
    action: 'notify-owner',
    defaultMode: 'notify',
    summary: 'Tell the owner to run AssociateEncryptionConfig (resources secrets, a KMS key): irreversible, re-encrypts every secret',
  },

  appliesTo: (o) => o.resource.type === EKS_CLUSTER,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(eksSecretsEncryption, o, policy);
    const c = eksCluster(o);
    if (!c || c.secretsEncrypted === true) return NONE;
    if (c.secretsEncrypted === undefined && c.partial) return NONE;
    return { findings: [findingOf(eksSecretsEncryption, o, policy, [o.resource.id], `cluster ${c.name}: no encryptionConfig for secrets`)] };
  },
};
