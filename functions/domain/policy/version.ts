import { createHash } from 'node:crypto';
import type { Mode } from '../model';
import type { Policy } from './schema';

/**
 * Which policy document a run decided with: the SSM parameter's version and the document's hash, and, when the
 * latest version could not be used, why and what was used instead. Triage and the Start step stamp it on the run's
 * context; the audit record keeps it.
 */
export interface PolicyVersion {
  /** The SSM parameter the document was read from (none: no parameter is configured). */
  parameter?: string;
  /** The parameter version of the document in use (absent when none was ever good). */
  version?: number;
  /** sha256 of the document text in use (hex). */
  hash?: string;
  /**
   * `current`: the latest version, valid. `last-good`: the latest version could not be read or is invalid, and the
   * last good one (this warm container's) is in use. `fail-closed`: no version was ever good here, so every mode is
   * dry-run.
   */
  status: 'current' | 'last-good' | 'fail-closed';
  /** Why the latest version is not in use. */
  problem?: string;
  /** The version that was refused, when it was read. */
  rejected?: { version?: number; hash: string };
}

/** A policy with the version it came from. */
export interface VersionedPolicy {
  policy: Policy;
  /** Absent for a policy given directly (tests, the CLI). */
  version?: PolicyVersion;
}

/** sha256 of a policy document's text, as recorded (hex). */
export const documentHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** "/warden/prod/policy v7 (sha256 1a2b3c4d5e6f)": a version in words. */
export function versionText(v: Pick<PolicyVersion, 'parameter' | 'version' | 'hash'>): string {
  const where = v.parameter ?? 'the policy';
  const which = v.version !== undefined ? ` v${v.version}` : '';
  return `${where}${which}${v.hash ? ` (sha256 ${v.hash.slice(0, 12)})` : ''}`;
}

/**
 * The mode rule of a policy that failed closed: dry-run, and why. Hand starts reset defaults.mode (forHandStart), so
 * the run's mode step adds this rule itself rather than trusting the policy's defaults.
 */
export const failClosedRule = (v: PolicyVersion | undefined): [Mode, string][] =>
  v?.status === 'fail-closed' ? [['dry-run', `no valid policy (${v.problem ?? 'unknown problem'}): failing closed`]] : [];
