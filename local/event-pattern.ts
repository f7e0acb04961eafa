/**
 * An EventBridge event-pattern matcher for tests and the local demo (moto's TestEventPattern is a stub and there is
 * no maintained npm matcher). Semantics follow the EventBridge user guide ("Creating event patterns", "Content
 * filtering", "Comparison operators", "Matching null values and empty strings") and aws/event-ruler, which
 * EventBridge uses:
 *
 * - A pattern is an object. Every field in it must match (AND). Leaf values are arrays of alternatives (OR).
 * - A nested pattern object matches a nested event object. If the event holds an array there, the pattern must match
 *   within ONE element (array-consistent matching: fields from different elements of the same array never combine).
 * - A leaf matches when any of the event's values there matches any alternative. Event arrays of scalars are
 *   flattened (`"resources": ["a", "b"]` matches `["b"]`); objects are never leaf values.
 * - Exact values are type-sensitive: "5" ≠ 5, "" ≠ null.
 * - Operators: prefix, suffix (both also with equals-ignore-case), anything-but (value, list, {prefix}, {suffix},
 *   {equals-ignore-case}, {wildcard}), numeric, exists, equals-ignore-case, wildcard, cidr (IPv4 and IPv6), $or.
 * - A missing field matches only `{ "exists": false }`. `exists` looks at leaves only: a field holding an object (or an
 *   empty array) does not "exist" as far as `exists` is concerned.
 *
 * Invalid patterns (unknown operator, leaf that is not an array, `**` in a wildcard, …) throw EventPatternError, so a
 * typo in template.yaml fails the tests instead of silently matching nothing.
 */
import { BlockList, isIP } from 'node:net';

type Leaf = string | number | boolean | null;
type PatternObject = { [key: string]: unknown };

export class EventPatternError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`invalid event pattern at ${path || '<root>'}: ${message}`);
    this.name = 'EventPatternError';
  }
}

const isObject = (v: unknown): v is PatternObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeaf = (v: unknown): v is Leaf =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

// ------------------------------------------------------------------------------------------------ validation

const OPERATORS = new Set([
  'prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr',
]);

function stringOrIgnoreCase(v: unknown, path: string, what: string): void {
  if (typeof v === 'string') return;
  if (isObject(v) && Object.keys(v).length === 1 && typeof v['equals-ignore-case'] === 'string') return;
  throw new EventPatternError(`${what} takes a string or { "equals-ignore-case": string }`, path);
}

function stringOrStrings(v: unknown, path: string, what: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((s) => typeof s === 'string')) {
    throw new EventPatternError(`${what} takes a string or a non-empty list of strings`, path);
  }
  return list as string[];
}

function validateNumeric(v: unknown, path: string): void {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) {
    throw new EventPatternError('numeric takes [op, number] or [op, number, op, number]', path);
  }
  const ops: string[] = [];
  for (let i = 0; i < v.length; i += 2) {
    const [op, n] = [v[i], v[i + 1]];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) {
      throw new EventPatternError(`unknown numeric operator ${JSON.stringify(op)}`, path);
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new EventPatternError('numeric bounds must be numbers', path);
    ops.push(op);
  }
  if (ops.length === 2) {
    const lower = ops.filter((o) => o === '>' || o === '>=').length;
    const upper = ops.filter((o) => o === '<' || o === '<=').length;
    if (lower !== 1 || upper !== 1) throw new EventPatternError('a numeric range needs one lower and one upper bound', path);
  }
}

/** Compiles an EventBridge wildcard (`*` = any run of characters, `\*` = literal `*`, `\\` = literal `\`). */
export function wildcardToRegExp(wildcard: string, path = ''): RegExp {
  let re = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i]!;
    if (c === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') throw new EventPatternError('a backslash may only escape * or \\', path);
      re += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (wildcard[i + 1] === '*') throw new EventPatternError('consecutive wildcard characters are not allowed', path);
      re += '.*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, 's');
}

function parseCidr(cidr: unknown, path: string): { list: BlockList; family: 'ipv4' | 'ipv6' } {
  const m = typeof cidr === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(cidr) : null;
  const version = m ? isIP(m[1]!) : 0;
  const bits = m ? Number(m[2]) : NaN;
  if (!m || version === 0 || bits > (version === 4 ? 32 : 128)) {
    throw new EventPatternError(`cidr takes "address/prefix-length", got ${JSON.stringify(cidr)}`, path);
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(m[1]!, bits, family);
  return { list, family };
}

function validateAnythingBut(v: unknown, path: string): void {
  if (typeof v === 'string' || typeof v === 'number') return;
  if (Array.isArray(v)) {
    const strings = v.every((x) => typeof x === 'string');
    const numbers = v.every((x) => typeof x === 'number');
    if (v.length === 0 || !(strings || numbers)) {
      throw new EventPatternError('anything-but lists must be non-empty and all strings or all numbers', path);
    }
    return;
  }
  if (isObject(v) && Object.keys(v).length === 1) {
    const [key, arg] = Object.entries(v)[0]!;
    if (key === 'prefix' || key === 'suffix' || key === 'equals-ignore-case') {
      stringOrStrings(arg, path, `anything-but ${key}`);
      return;
    }
    if (key === 'wildcard') {
      for (const w of stringOrStrings(arg, path, 'anything-but wildcard')) wildcardToRegExp(w, path);
      return;
    }
  }
  throw new EventPatternError(
    'anything-but takes a string, a number, a list, or one of {prefix|suffix|equals-ignore-case|wildcard}',
    path,
  );
}

function validateMatcher(m: unknown, path: string): void {
  if (isLeaf(m)) return;
  if (!isObject(m) || Object.keys(m).length !== 1) {
    throw new EventPatternError('each alternative is a value or an object with exactly one operator', path);
  }
  const [op, arg] = Object.entries(m)[0]!;
  if (!OPERATORS.has(op)) throw new EventPatternError(`unknown operator "${op}"`, path);
  switch (op) {
    case 'prefix':
    case 'suffix':
      stringOrIgnoreCase(arg, path, op);
      break;
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new EventPatternError('equals-ignore-case takes a string', path);
      break;
    case 'wildcard':
      if (typeof arg !== 'string') throw new EventPatternError('wildcard takes a string', path);
      wildcardToRegExp(arg, path);
      break;
    case 'exists':
      if (typeof arg !== 'boolean') throw new EventPatternError('exists takes true or false', path);
      break;
    case 'numeric':
      validateNumeric(arg, path);
      break;
    case 'cidr':
      parseCidr(arg, path);
      break;
    case 'anything-but':
      validateAnythingBut(arg, path);
      break;
  }
}

function validateObject(p: unknown, path: string): void {
  if (!isObject(p)) throw new EventPatternError('expected an object', path);
  if (Object.keys(p).length === 0) throw new EventPatternError('empty object', path);
  for (const [key, sub] of Object.entries(p)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) {
        throw new EventPatternError('$or takes a list of at least two pattern objects', here);
      }
      sub.forEach((alt, i) => validateObject(alt, `${here}[${i}]`));
    } else if (Array.isArray(sub)) {
      if (sub.length === 0) throw new EventPatternError('empty list of values', here);
      sub.forEach((m) => validateMatcher(m, here));
    } else if (isObject(sub)) {
      validateObject(sub, here);
    } else {
      throw new EventPatternError(`values must be in a list, e.g. [${JSON.stringify(sub)}]`, here);
    }
  }
}

/** Throws EventPatternError if `pattern` is not a valid EventBridge event pattern. */
export function validatePattern(pattern: unknown): void {
  validateObject(pattern, '');
}

// ------------------------------------------------------------------------------------------------ matching

/** The event's leaf values at a field: scalars, with arrays (of any depth) flattened and objects dropped. */
function leafValues(present: boolean, value: unknown): Leaf[] {
  if (!present) return [];
  if (Array.isArray(value)) return value.flatMap((v) => leafValues(true, v));
  return isLeaf(value) ? [value] : [];
}

/** The event's objects at a field: the object itself, or the objects inside an array (of any depth). */
function objectValues(present: boolean, value: unknown): PatternObject[] {
  if (!present) return [];
  if (Array.isArray(value)) return value.flatMap((v) => objectValues(true, v));
  return isObject(value) ? [value] : [];
}

const lower = (s: string) => s.toLowerCase();

function matchesAffix(kind: 'prefix' | 'suffix', arg: unknown, v: string): boolean {
  const [needle, haystack] = typeof arg === 'string'
    ? [arg, v]
    : [lower(String((arg as PatternObject)['equals-ignore-case'])), lower(v)];
  return kind === 'prefix' ? haystack.startsWith(needle) : haystack.endsWith(needle);
}

function matchesNumeric(arg: unknown[], v: number): boolean {
  for (let i = 0; i < arg.length; i += 2) {
    const bound = arg[i + 1] as number;
    const ok = { '=': v === bound, '<': v < bound, '<=': v <= bound, '>': v > bound, '>=': v >= bound }[
      arg[i] as '=' | '<' | '<=' | '>' | '>='
    ];
    if (!ok) return false;
  }
  return true;
}

function matchesAnythingBut(arg: unknown, v: Leaf): boolean {
  if (Array.isArray(arg)) return !arg.includes(v);
  if (!isObject(arg)) return v !== arg;
  const [key, raw] = Object.entries(arg)[0]!;
  const list = (Array.isArray(raw) ? raw : [raw]) as string[];
  if (typeof v !== 'string') return true; // string operators never match a non-string, so "anything but" does.
  switch (key) {
    case 'prefix':
      return !list.some((p) => v.startsWith(p));
    case 'suffix':
      return !list.some((s) => v.endsWith(s));
    case 'equals-ignore-case':
      return !list.some((s) => lower(s) === lower(v));
    default: // wildcard
      return !list.some((w) => wildcardToRegExp(w).test(v));
  }
}

/** One alternative against one present leaf value (exists is handled by the caller). */
function matchesValue(m: unknown, v: Leaf): boolean {
  if (!isObject(m)) return m === v;
  const [op, arg] = Object.entries(m)[0]!;
  switch (op) {
    case 'prefix':
    case 'suffix':
      return typeof v === 'string' && matchesAffix(op, arg, v);
    case 'equals-ignore-case':
      return typeof v === 'string' && lower(v) === lower(arg as string);
    case 'wildcard':
      return typeof v === 'string' && wildcardToRegExp(arg as string).test(v);
    case 'numeric':
      return typeof v === 'number' && matchesNumeric(arg as unknown[], v);
    case 'cidr': {
      if (typeof v !== 'string') return false;
      const { list, family } = parseCidr(arg, '');
      return isIP(v) === (family === 'ipv4' ? 4 : 6) && list.check(v, family);
    }
    case 'anything-but':
      return matchesAnythingBut(arg, v);
    default:
      return false;
  }
}

function matchesLeaf(alternatives: unknown[], present: boolean, value: unknown): boolean {
  const values = leafValues(present, value);
  return alternatives.some((m) => {
    if (isObject(m) && 'exists' in m) return m.exists === values.length > 0;
    return values.some((v) => matchesValue(m, v));
  });
}

/** Could this (sub-)pattern match a field that is missing altogether? Only through `exists: false`. */
function matchesAbsent(pattern: PatternObject): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as PatternObject[]).some(matchesAbsent);
    if (Array.isArray(sub)) return sub.some((m) => isObject(m) && m.exists === false);
    return matchesAbsent(sub as PatternObject);
  });
}

function matchesObject(pattern: PatternObject, node: PatternObject): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(sub as PatternObject[]).some((alt) => matchesObject(alt, node))) return false;
      continue;
    }
    const present = Object.prototype.hasOwnProperty.call(node, key);
    const value = present ? node[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchesLeaf(sub, present, value)) return false;
      continue;
    }
    // Nested pattern: one object (or one element of an array of objects) must match all of it.
    const objects = objectValues(present, value);
    const ok = objects.some((o) => matchesObject(sub as PatternObject, o)) ||
      (objects.length === 0 && matchesAbsent(sub as PatternObject));
    if (!ok) return false;
  }
  return true;
}

/**
 * True if `event` matches the EventBridge `pattern`. Throws EventPatternError if the pattern is invalid.
 * `event` is the full event (`source`, `detail-type`, `detail`, …) as JSON.
 */
export function matches(pattern: object, event: unknown): boolean {
  validatePattern(pattern);
  return isObject(event) && matchesObject(pattern as PatternObject, event);
}

/** Names of the rules whose pattern matches the event. */
export function matchingRules<R extends { name: string; pattern: object }>(rules: readonly R[], event: unknown): R[] {
  return rules.filter((r) => matches(r.pattern, event));
}
