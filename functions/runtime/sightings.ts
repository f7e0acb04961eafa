import type { ExemptionSightings } from '../domain/policy/exemption';
import { requireEnv } from './env';

/**
 * Exemption sightings in the audit table (env AUDIT_TABLE), for the functions that judge exemptions: triage and the
 * runs' mode steps. The DynamoDB client loads on first use (only a resource with exemption tags needs it), and a
 * missing AUDIT_TABLE fails that use loudly: without sightings no cap would ever run out.
 */
export const auditSightings = (): ExemptionSightings => ({
  async firstSeen(key, now, record) {
    const [{ dynamoExemptionSightings }, { dynamodb }] = await Promise.all([import('../aws/exemption-sightings'), import('../aws/clients/dynamodb')]);
    return dynamoExemptionSightings({ dynamodb, tableName: requireEnv('AUDIT_TABLE') }).firstSeen(key, now, record);
  },
});
