import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, type AwsSecurityFinding, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { UPDATED_BY, type SecurityHubRef, type WriteBack } from '../domain/securityhub';

/**
 * The two Security Hub calls of the write-back. Each answers `ok` or what went wrong for its one finding (the
 * ErrorCode of an unprocessed or failed finding); a refused call throws, and the caller records its error name.
 */

/** BatchUpdateFindings: the finding's Note, and its Workflow.Status when the write-back names one. */
export async function updateFinding(client: SecurityHubClient, ref: SecurityHubRef, wb: WriteBack): Promise<string> {
  const out = await client.send(new BatchUpdateFindingsCommand({
    FindingIdentifiers: [{ Id: ref.id, ProductArn: ref.productArn }],
    Note: { Text: wb.note, UpdatedBy: UPDATED_BY },
    ...(wb.workflow ? { Workflow: { Status: wb.workflow } } : {}),
  }));
  const unprocessed = out.UnprocessedFindings?.[0];
  return unprocessed ? unprocessed.ErrorCode ?? 'Unprocessed' : 'ok';
}

/** BatchImportFindings of one ASFF finding (created, or updated when its Id exists). */
export async function importFinding(client: SecurityHubClient, finding: Record<string, unknown>): Promise<string> {
  const out = await client.send(new BatchImportFindingsCommand({ Findings: [finding as unknown as AwsSecurityFinding] }));
  const failed = out.FailedFindings?.[0];
  return (out.FailedCount ?? 0) > 0 || failed ? failed?.ErrorCode ?? 'Failed' : 'ok';
}
