import { normalize } from '../../../functions/domain/events';
import { CLOUDTRAIL_ECR_EVENTS } from '../../../functions/domain/events/cloudtrail-ecr';
import { CLOUDTRAIL_ECS_EVENTS } from '../../../functions/domain/events/cloudtrail-ecs';
import { CLOUDTRAIL_EKS_EVENTS } from '../../../functions/domain/events/cloudtrail-eks';
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
    expect(normalize(envelope('aws.inspector2', 'Inspector2 Finding', {}))).toEqual({
      kind: 'invalid',
      reason: 'not an event Warden knows: aws.inspector2 / Inspector2 Finding',
    });
  });

  test('normalize never throws on odd details', () => {
    for (const detail of [null, 'x', 1, [], {}, { eventName: 42 }, { findings: 'x' }, { messageType: 'OversizedConfigurationItemChangeNotification' }]) {
      for (const [source, type] of [
        ['aws.ec2', 'AWS API Call via CloudTrail'],
        ['aws.ecs', 'AWS API Call via CloudTrail'],
        ['aws.eks', 'AWS API Call via CloudTrail'],
        ['aws.ecr', 'AWS API Call via CloudTrail'],
        ['aws.config', 'Config Rules Compliance Change'],
        ['aws.config', 'Config Configuration Item Change'],
        ['aws.securityhub', 'Security Hub Findings - Imported'],
      ] as const) {
        const n = normalize(envelope(source, type, detail));
        expect(n.kind).toBe('invalid');
      }
    }
  });

  test('every watched CloudTrail event with a mistyped record is invalid, never a throw', () => {
    const watched = [
      ['ecs', CLOUDTRAIL_ECS_EVENTS],
      ['eks', CLOUDTRAIL_EKS_EVENTS],
      ['ecr', CLOUDTRAIL_ECR_EVENTS],
    ] as const;
    for (const [service, names] of watched) {
      for (const eventName of names) {
        const call = (odd: object) => normalize(envelope(`aws.${service}`, 'AWS API Call via CloudTrail', { eventSource: `${service}.amazonaws.com`, eventName, ...odd }));
        for (const odd of [{ requestParameters: 'x' }, { requestParameters: { containerDefinitions: [1] }, responseElements: [] }]) {
          expect(call(odd).kind).toBe('invalid');
        }
        // An empty record is decided (ECS CreateCluster without parameters creates `default`), never a throw.
        expect(() => call({})).not.toThrow();
      }
    }
  });

  test('a Config item of a container type with an odd configuration is invalid, never a throw', () => {
    for (const resourceType of ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Cluster', 'AWS::EKS::Cluster', 'AWS::ECR::Repository']) {
      for (const configuration of ['x', 1, [], { ContainerDefinitions: 'x', ClusterSettings: 1, Logging: 'x', EncryptionConfig: 1, ResourcesVpcConfig: [], ImageScanningConfiguration: 'x', NetworkConfiguration: 2 }]) {
        const detail = { messageType: 'ConfigurationItemChangeNotification', configurationItem: { configurationItemStatus: 'OK', resourceType, resourceId: 'r', configuration } };
        expect(normalize(envelope('aws.config', 'Config Configuration Item Change', detail)).kind).toBe('invalid');
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
