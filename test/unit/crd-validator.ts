// A small stand-in for the API server's CRD validation, for crds.test.ts: structural schema
// checks (type, required, enum, bounds, unknown fields) and an evaluator for the CEL subset the
// generated rules use (has(), field access, ==, !=, !, &&, ||, size(), int and 'string' literals).
import type { StructuralSchema, ValidationRule } from '../../src/core/config/crd/index.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  object: isRecord,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
};

export interface ValidateOptions {
  /** Evaluate x-kubernetes-validations (CEL subset). */
  readonly cel?: boolean;
  /** The object before an update: transition rules (those using oldSelf) run only with it. */
  readonly old?: unknown;
}

/** Problems of `value` against `schema`, as `path: reason`; empty when the API server would accept it. */
export function validate(
  schema: StructuralSchema,
  value: unknown,
  options: ValidateOptions = {},
  path = '',
): string[] {
  const at = (reason: string): string => `${path || '(root)'}: ${reason}`;
  if (value === null) return schema.nullable ? [] : [at('null is not allowed')];
  if (schema['x-kubernetes-int-or-string']) {
    if (!Number.isInteger(value) && typeof value !== 'string') return [at('must be an integer or a string')];
  } else if (schema.type !== undefined) {
    const check = TYPE_CHECKS[schema.type];
    if (!check?.(value)) return [at(`must be of type ${schema.type}`)];
  } else if (!schema['x-kubernetes-preserve-unknown-fields']) {
    return [at('schema node has no type')];
  }
  const problems = [...scalarProblems(schema, value, at)];
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, i) =>
      problems.push(...validate(items, item, { cel: options.cel }, `${path}[${i}]`)),
    );
  }
  if (isRecord(value) && schema.type === 'object')
    problems.push(...objectProblems(schema, value, options, path));
  if (options.cel && problems.length === 0)
    problems.push(...celProblems(schema['x-kubernetes-validations'] ?? [], value, options.old, at));
  return problems;
}

function scalarProblems(schema: StructuralSchema, value: unknown, at: (r: string) => string): string[] {
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value as string))
    out.push(at(`must be one of ${schema.enum.join(', ')}`));
  if (typeof value === 'number') {
    if (
      schema.minimum !== undefined &&
      (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
    )
      out.push(at(`below ${schema.minimum}`));
    if (
      schema.maximum !== undefined &&
      (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
    )
      out.push(at(`above ${schema.maximum}`));
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(at('too short'));
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(at('too long'));
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      out.push(at('does not match the pattern'));
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push(at(`needs at least ${schema.minItems} items`));
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push(at(`allows at most ${schema.maxItems} items`));
  }
  return out;
}

function objectProblems(
  schema: StructuralSchema,
  value: Record<string, unknown>,
  options: ValidateOptions,
  path: string,
): string[] {
  const out: string[] = [];
  const old = isRecord(options.old) ? options.old : undefined;
  for (const name of schema.required ?? [])
    if (value[name] === undefined) out.push(`${path ? `${path}.` : ''}${name}: required`);
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    // The API server validates the root metadata itself (name, labels, ...), not by the CRD schema.
    if (!path && key === 'metadata') {
      if (!isRecord(child)) out.push('metadata: must be of type object');
    } else if (childSchema)
      out.push(...validate(childSchema, child, { cel: options.cel, old: old?.[key] }, childPath));
    else if (!schema['x-kubernetes-preserve-unknown-fields']) out.push(`${childPath}: unknown field`);
  }
  return out;
}

function celProblems(
  rules: readonly ValidationRule[],
  self: unknown,
  old: unknown,
  at: (r: string) => string,
): string[] {
  const out: string[] = [];
  for (const { rule, message } of rules) {
    const transition = /\boldSelf\b/.test(rule);
    if (transition && old === undefined) continue;
    if (evalCel(rule, self, old) !== true) out.push(at(message));
  }
  return out;
}

const TOKEN =
  /\s+|has\((?:self|oldSelf)\.\w+\)|(?:self|oldSelf)(?:\.\w+)?|size\(|&&|\|\||==|!=|!|\(|\)|-?\d+|'[^'\\]*'/y;

/** The JavaScript for a rule of the supported CEL subset; throws on anything outside it. */
export function celToJs(rule: string): string {
  let js = '';
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < rule.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(rule);
    if (!match) throw new Error(`CEL outside the tested subset at ${start}: ${rule.slice(start)}`);
    const token = match[0];
    const has = /^has\((\w+)\.(\w+)\)$/.exec(token);
    if (has) js += `(${has[1]!}.${has[2]!} !== undefined)`;
    else if (token === '==') js += '===';
    else if (token === '!=') js += '!==';
    else js += token;
  }
  return js;
}

export function evalCel(rule: string, self: unknown, oldSelf?: unknown): unknown {
  const size = (v: unknown): number =>
    Array.isArray(v) || typeof v === 'string' ? v.length : isRecord(v) ? Object.keys(v).length : NaN;
  // The body is built only from the tokens celToJs allows.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function('self', 'oldSelf', 'size', `return (${celToJs(rule)});`) as (
    s: unknown,
    o: unknown,
    z: typeof size,
  ) => unknown;
  return fn(self, oldSelf, size);
}
