import { normalize } from '../../../functions/domain/events';
import { envelope, sample } from './fixtures';

describe('envelope', () => {
  test.each([
    [null, 'got null'],
    ['not json', 'got a string'],
    [[1, 2], 'got an array'],
    [42, 'got number'],
  ])('%p is not an EventBridge event', (raw, why) => {
    expect(normalize(raw)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining(why) });
  });

  test('a missing envelope field is named', () => {
    const ev = sample('cloudtrail/authorize-ssh-world.json');
    delete ev['detail-type'];
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^not an EventBridge event: detail-type: /) });
  });

  test('a malformed time is named', () => {
    const ev = { ...sample('cloudtrail/authorize-ssh-world.json'), time: 'yesterday' };
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('time') });
  });

  test('an unknown event names source, detail-type and eventName', () => {
    expect(normalize(envelope('aws.s3', 'AWS API Call via CloudTrail', { eventName: 'PutBucketPolicy' }))).toEqual({
      kind: 'invalid',
      reason: 'not an event Warden knows: aws.s3 / AWS API Call via CloudTrail / PutBucketPolicy',
    });
    expect(normalize(envelope('aws.guardduty', 'GuardDuty Finding', {}))).toEqual({
      kind: 'invalid',
      reason: 'not an event Warden knows: aws.guardduty / GuardDuty Finding',
    });
  });

  test('normalize never throws on odd details', () => {
    for (const detail of [null, 'x', 1, [], {}, { eventName: 42 }, { findings: 'x' }, { messageType: 'OversizedConfigurationItemChangeNotification' }]) {
      for (const [source, type] of [
        ['aws.ec2', 'AWS API Call via CloudTrail'],
        ['aws.config', 'Config Rules Compliance Change'],
        ['aws.config', 'Config Configuration Item Change'],
        ['aws.securityhub', 'Security Hub Findings - Imported'],
      ] as const) {
        const n = normalize(envelope(source, type, detail));
        expect(n.kind).toBe('invalid');
      }
    }
  });

  test('observation identity: eventId and time from the envelope', () => {
    const n = normalize(sample('cloudtrail/authorize-ssh-world.json'));
    if (n.kind !== 'observation') throw new Error(n.kind);
    expect(n.observation).toMatchObject({
      source: 'cloudtrail',
      eventId: '018aa061-56f7-4804-a232-2988682c010f',
      eventName: 'AuthorizeSecurityGroupIngress',
      time: '2025-05-14T09:12:33Z',
      account: '111122223333',
      region: 'us-east-1',
    });
    expect(n.observation.resource.tags).toBeUndefined();
  });
});
