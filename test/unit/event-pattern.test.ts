import { EventPatternError, matches, matchingRules, validatePattern } from '../../local/event-pattern';

/** The EC2 event from the EventBridge user guide's pattern pages, plus a few fields for the operators below. */
const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0', 'arn:aws:ec2:us-west-1:1:volume/v-1'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'source-ip6': '2001:db8::1',
    FileName: 'photo.PNG',
    FilePath: '/usr/lib/libssl.so',
    eventVersion: '',
    responseElements: null,
    enabled: false,
    nested: { deep: { value: 'x' } },
    tags: ['a', 'b'],
    emptyList: [],
  },
};

const d = (detail: Record<string, unknown>) => ({ detail });

describe('exact values', () => {
  test('a single value, a list of alternatives (OR) and several fields (AND)', () => {
    expect(matches({ source: ['aws.ec2'] }, event)).toBe(true);
    expect(matches({ source: ['aws.s3', 'aws.ec2'] }, event)).toBe(true);
    expect(matches({ source: ['aws.ec2'], region: ['us-west-1'] }, event)).toBe(true);
    expect(matches({ source: ['aws.ec2'], region: ['eu-west-1'] }, event)).toBe(false);
    expect(matches({ source: ['aws.s3'] }, event)).toBe(false);
  });

  test('nested objects', () => {
    expect(matches(d({ state: ['terminated'] }), event)).toBe(true);
    expect(matches(d({ nested: { deep: { value: ['x'] } } }), event)).toBe(true);
    expect(matches(d({ nested: { deep: { value: ['y'] } } }), event)).toBe(false);
    expect(matches(d({ nested: { other: { value: ['x'] } } }), event)).toBe(false);
  });

  test('is case and type sensitive; numbers, booleans, null and the empty string are exact', () => {
    expect(matches(d({ state: ['Terminated'] }), event)).toBe(false);
    expect(matches(d({ 'c-count': [5] }), event)).toBe(true);
    expect(matches(d({ 'c-count': ['5'] }), event)).toBe(false);
    expect(matches(d({ enabled: [false] }), event)).toBe(true);
    expect(matches(d({ enabled: ['false'] }), event)).toBe(false);
    expect(matches(d({ responseElements: [null] }), event)).toBe(true);
    expect(matches(d({ eventVersion: [''] }), event)).toBe(true);
    expect(matches(d({ eventVersion: [null] }), event)).toBe(false);
    expect(matches(d({ responseElements: [''] }), event)).toBe(false);
  });

  test('a missing field never matches a value', () => {
    expect(matches(d({ missing: ['x'] }), event)).toBe(false);
    expect(matches({ nope: { deeper: ['x'] } }, event)).toBe(false);
  });

  test('a field holding an object is not a leaf', () => {
    expect(matches(d({ nested: ['x'] }), event)).toBe(false);
  });
});

describe('arrays in the event', () => {
  test('an array of scalars matches if any element matches', () => {
    expect(matches({ resources: ['arn:aws:ec2:us-west-1:1:volume/v-1'] }, event)).toBe(true);
    expect(matches(d({ tags: ['b', 'z'] }), event)).toBe(true);
    expect(matches(d({ tags: ['z'] }), event)).toBe(false);
    expect(matches(d({ tags: [{ prefix: 'b' }] }), event)).toBe(true);
  });

  const hub = {
    source: 'aws.securityhub',
    detail: {
      findings: [
        { Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.18' }, RecordState: 'ACTIVE' },
        { Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.19' }, RecordState: 'ARCHIVED' },
      ],
    },
  };

  test('an array of objects matches if one element matches the nested pattern', () => {
    expect(matches({ detail: { findings: { Compliance: { Status: ['FAILED'] } } } }, hub)).toBe(true);
    expect(matches({ detail: { findings: { Compliance: { Status: ['NOT_AVAILABLE'] } } } }, hub)).toBe(false);
  });

  test('fields from different elements never combine (array-consistent matching)', () => {
    // FAILED is in element 1, ACTIVE in element 0: EventBridge does not match.
    const p = { detail: { findings: { Compliance: { Status: ['FAILED'] }, RecordState: ['ACTIVE'] } } };
    expect(matches(p, hub)).toBe(false);
    const q = { detail: { findings: { Compliance: { Status: ['FAILED'] }, RecordState: ['ARCHIVED'] } } };
    expect(matches(q, hub)).toBe(true);
  });

  test('nested arrays are flattened', () => {
    const e = { a: [[{ b: 'x' }], [{ b: 'y' }]], c: [['p'], ['q']] };
    expect(matches({ a: { b: ['y'] } }, e)).toBe(true);
    expect(matches({ c: ['q'] }, e)).toBe(true);
    expect(matches({ a: { b: ['z'] } }, e)).toBe(false);
  });
});

describe('prefix and suffix', () => {
  test('prefix', () => {
    expect(matches({ time: [{ prefix: '2017-12-22' }] }, event)).toBe(true);
    expect(matches({ time: [{ prefix: '2018' }] }, event)).toBe(false);
    expect(matches(d({ 'c-count': [{ prefix: '5' }] }), event)).toBe(false); // strings only
  });
  test('prefix with equals-ignore-case', () => {
    expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, event)).toBe(true);
    expect(matches({ source: [{ prefix: 'AWS.' }] }, event)).toBe(false);
  });
  test('suffix', () => {
    expect(matches(d({ FileName: [{ suffix: '.PNG' }] }), event)).toBe(true);
    expect(matches(d({ FileName: [{ suffix: '.png' }] }), event)).toBe(false);
  });
  test('suffix with equals-ignore-case', () => {
    expect(matches(d({ FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] }), event)).toBe(true);
    expect(matches(d({ FileName: [{ suffix: { 'equals-ignore-case': '.jpg' } }] }), event)).toBe(false);
  });
});

describe('anything-but', () => {
  test('a single string or number', () => {
    expect(matches(d({ state: [{ 'anything-but': 'initializing' }] }), event)).toBe(true);
    expect(matches(d({ state: [{ 'anything-but': 'terminated' }] }), event)).toBe(false);
    expect(matches(d({ 'c-count': [{ 'anything-but': 4 }] }), event)).toBe(true);
    expect(matches(d({ 'c-count': [{ 'anything-but': 5 }] }), event)).toBe(false);
  });
  test('a list', () => {
    expect(matches(d({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }), event)).toBe(true);
    expect(matches(d({ state: [{ 'anything-but': ['stopped', 'terminated'] }] }), event)).toBe(false);
    expect(matches(d({ 'x-limit': [{ 'anything-but': [100, 301.8] }] }), event)).toBe(false);
  });
  test('prefix and suffix', () => {
    expect(matches({ region: [{ 'anything-but': { prefix: 'eu-' } }] }, event)).toBe(true);
    expect(matches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, event)).toBe(false);
    expect(matches(d({ FileName: [{ 'anything-but': { suffix: '.txt' } }] }), event)).toBe(true);
    expect(matches(d({ FileName: [{ 'anything-but': { suffix: '.PNG' } }] }), event)).toBe(false);
  });
  test('equals-ignore-case and wildcard', () => {
    expect(matches(d({ state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] }), event)).toBe(true);
    expect(matches(d({ state: [{ 'anything-but': { 'equals-ignore-case': 'TERMINATED' } }] }), event)).toBe(false);
    expect(matches(d({ FilePath: [{ 'anything-but': { wildcard: '*/bin/*' } }] }), event)).toBe(true);
    expect(matches(d({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }), event)).toBe(false);
  });
  test('does not match a missing field', () => {
    expect(matches(d({ missing: [{ 'anything-but': 'x' }] }), event)).toBe(false);
  });
  test('on an array: matches if some element is not excluded', () => {
    expect(matches(d({ tags: [{ 'anything-but': 'a' }] }), event)).toBe(true);
    expect(matches(d({ tags: [{ 'anything-but': ['a', 'b'] }] }), event)).toBe(false);
  });
});

describe('exists', () => {
  test('true: the field is present (any value, including null and "")', () => {
    expect(matches(d({ state: [{ exists: true }] }), event)).toBe(true);
    expect(matches(d({ responseElements: [{ exists: true }] }), event)).toBe(true);
    expect(matches(d({ eventVersion: [{ exists: true }] }), event)).toBe(true);
    expect(matches(d({ missing: [{ exists: true }] }), event)).toBe(false);
  });
  test('false: the field is absent', () => {
    expect(matches(d({ missing: [{ exists: false }] }), event)).toBe(true);
    expect(matches(d({ state: [{ exists: false }] }), event)).toBe(false);
    expect(matches({ notThere: { below: [{ exists: false }] } }, event)).toBe(true);
  });
  test('only leaves exist: an object or an empty array is not a leaf value', () => {
    expect(matches(d({ nested: [{ exists: true }] }), event)).toBe(false);
    expect(matches(d({ nested: [{ exists: false }] }), event)).toBe(true);
    expect(matches(d({ emptyList: [{ exists: false }] }), event)).toBe(true);
  });
  test('inside an array of objects: judged per element', () => {
    const e = { items: [{ a: 1 }, { a: 2, b: 3 }] };
    expect(matches({ items: { a: [1], b: [{ exists: false }] } }, e)).toBe(true);
    expect(matches({ items: { a: [2], b: [{ exists: false }] } }, e)).toBe(false);
  });
});

describe('numeric', () => {
  test('ranges and equality', () => {
    expect(matches(d({ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }), event)).toBe(true);
    expect(matches(d({ 'c-count': [{ numeric: ['>', 0, '<', 5] }] }), event)).toBe(false);
    expect(matches(d({ 'x-limit': [{ numeric: ['=', 3.018e2] }] }), event)).toBe(true);
    expect(matches(d({ 'x-limit': [{ numeric: ['>=', 302] }] }), event)).toBe(false);
  });
  test('only JSON numbers', () => {
    expect(matches(d({ state: [{ numeric: ['>', 0] }] }), event)).toBe(false);
    expect(matches({ n: [{ numeric: ['<', 10] }] }, { n: '5' })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  test('matches any casing of a string', () => {
    expect(matches(d({ state: [{ 'equals-ignore-case': 'TERMINATED' }] }), event)).toBe(true);
    expect(matches(d({ state: [{ 'equals-ignore-case': 'running' }] }), event)).toBe(false);
  });
});

describe('wildcard', () => {
  test('* matches any run of characters', () => {
    expect(matches(d({ FilePath: [{ wildcard: '/usr/*/libssl.*' }] }), event)).toBe(true);
    expect(matches(d({ FilePath: [{ wildcard: '*/bin/*' }] }), event)).toBe(false);
    expect(matches({ source: [{ wildcard: 'aws.*' }] }, event)).toBe(true);
    expect(matches({ source: [{ wildcard: 'aws.' }] }, event)).toBe(false); // anchored
  });
  test('escapes: \\* is a literal asterisk; regex characters are literal', () => {
    expect(matches({ v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' })).toBe(true);
    expect(matches({ v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' })).toBe(false);
    expect(matches({ v: [{ wildcard: 'a.c' }] }, { v: 'abc' })).toBe(false);
  });
  test('invalid wildcards are rejected', () => {
    expect(() => validatePattern({ v: [{ wildcard: 'a**b' }] })).toThrow(EventPatternError);
    expect(() => validatePattern({ v: [{ wildcard: 'a\\b' }] })).toThrow(EventPatternError);
  });
});

describe('cidr', () => {
  test('IPv4', () => {
    expect(matches(d({ 'source-ip': [{ cidr: '10.0.0.0/24' }] }), event)).toBe(true);
    expect(matches(d({ 'source-ip': [{ cidr: '10.0.1.0/24' }] }), event)).toBe(false);
    expect(matches(d({ 'source-ip': [{ cidr: '0.0.0.0/0' }] }), event)).toBe(true);
  });
  test('IPv6', () => {
    expect(matches(d({ 'source-ip6': [{ cidr: '2001:db8::/32' }] }), event)).toBe(true);
    expect(matches(d({ 'source-ip6': [{ cidr: '2001:db9::/32' }] }), event)).toBe(false);
    expect(matches(d({ 'source-ip6': [{ cidr: '10.0.0.0/8' }] }), event)).toBe(false); // family mismatch
  });
  test('non-addresses never match; invalid blocks are rejected', () => {
    expect(matches(d({ state: [{ cidr: '10.0.0.0/8' }] }), event)).toBe(false);
    expect(() => validatePattern({ ip: [{ cidr: '10.0.0.0/33' }] })).toThrow(EventPatternError);
    expect(() => validatePattern({ ip: [{ cidr: 'not-an-ip/8' }] })).toThrow(EventPatternError);
  });
});

describe('$or', () => {
  test('at the top level', () => {
    const p = { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { 'detail-type': [{ prefix: 'EC2 ' }] }] };
    expect(matches(p, event)).toBe(true);
    const q = { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { 'detail-type': ['x'] }] };
    expect(matches(q, event)).toBe(false);
  });
  test('nested, with AND inside an alternative', () => {
    const p = { detail: { $or: [{ state: ['running'] }, { state: ['terminated'], 'c-count': [5] }] } };
    expect(matches(p, event)).toBe(true);
    const q = { detail: { $or: [{ state: ['running'] }, { state: ['terminated'], 'c-count': [6] }] } };
    expect(matches(q, event)).toBe(false);
  });
  test('alternatives are evaluated within the same array element', () => {
    const e = { items: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] };
    expect(matches({ items: { a: [2], $or: [{ b: ['y'] }, { c: ['z'] }] } }, e)).toBe(true);
    expect(matches({ items: { a: [1], $or: [{ b: ['y'] }, { c: ['z'] }] } }, e)).toBe(false);
  });
});

describe('invalid patterns throw instead of silently not matching', () => {
  test.each([
    ['a scalar leaf', { source: 'aws.ec2' }],
    ['an empty list', { source: [] }],
    ['an unknown operator', { source: [{ prefx: 'aws' }] }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['exists with a string', { source: [{ exists: 'true' }] }],
    ['numeric with two lower bounds', { n: [{ numeric: ['>', 1, '>', 2] }] }],
    ['numeric with a string bound', { n: [{ numeric: ['>', '1'] }] }],
    ['anything-but with a mixed list', { n: [{ 'anything-but': ['a', 1] }] }],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }],
    ['a non-object pattern', ['aws.ec2']],
  ])('%s', (_name, pattern) => {
    expect(() => matches(pattern as object, event)).toThrow(EventPatternError);
  });
});

test('matchingRules returns the rules that match', () => {
  const rules = [
    { name: 'ec2', pattern: { source: ['aws.ec2'] } },
    { name: 's3', pattern: { source: ['aws.s3'] } },
  ];
  expect(matchingRules(rules, event).map((r) => r.name)).toEqual(['ec2']);
  expect(matches({ source: ['aws.ec2'] }, 'not an event')).toBe(false);
});
