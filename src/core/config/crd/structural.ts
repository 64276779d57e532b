// JSON Schema (as zod's z.toJSONSchema writes it) → a Kubernetes *structural* OpenAPI v3 schema:
// every node typed, no $ref, no additionalProperties beside properties, OpenAPI 3.0 spellings.
// Anything without a faithful structural form throws, so a schema change cannot slip through.
import { z } from 'zod';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface ValidationRule {
  readonly rule: string;
  readonly message: string;
}

export interface StructuralSchema {
  type?: SchemaType;
  format?: string;
  description?: string;
  nullable?: boolean;
  default?: unknown;
  enum?: readonly (string | number | boolean)[];
  minimum?: number;
  exclusiveMinimum?: boolean;
  maximum?: number;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  items?: StructuralSchema;
  minProperties?: number;
  maxProperties?: number;
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  additionalProperties?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-validations'?: ValidationRule[];
}

export class StructuralSchemaError extends Error {
  override readonly name = 'StructuralSchemaError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path || '(root)'}: ${reason}`);
  }
}

type Json = Record<string, unknown>;

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);
/** Formats the API server knows and that mean the same to zod. */
const FORMATS = new Set(['ipv4', 'ipv6', 'email', 'uuid', 'date', 'date-time', 'uri', 'hostname', 'byte']);
/** Keys with nothing to say to the API server. */
const IGNORED = new Set(['$schema', 'propertyNames', 'title', 'examples', 'contentEncoding']);
const COPIED = [
  'description',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
] as const;
const HANDLED = new Set<string>([
  ...COPIED,
  'type',
  'format',
  'default',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
]);

/** The structural schema of a zod schema's *input* (what a user writes in the object). */
export function structuralFromZod(schema: z.ZodType): StructuralSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'throw',
  });
  return structuralFromJson(json, '');
}

export function structuralFromJson(node: unknown, path: string): StructuralSchema {
  if (!isJson(node)) throw new StructuralSchemaError(path, 'schema node is not an object');
  if ('$ref' in node) throw new StructuralSchemaError(path, '$ref cannot appear in a CRD schema; inline it');
  for (const key of Object.keys(node)) {
    if (!HANDLED.has(key) && !IGNORED.has(key))
      throw new StructuralSchemaError(path, `unsupported JSON Schema keyword "${key}"`);
  }
  const anyOf = node.anyOf;
  if (anyOf !== undefined) return fromAnyOf(node, anyOf, path);

  const types: unknown[] = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const nullable = types.includes('null');
  const concrete = types.filter((t) => t !== 'null');
  const out: StructuralSchema = {};
  if (concrete.length === 0) {
    // z.unknown() / z.any(): anything goes, so the API server must keep it as written.
    if (typeof node.description === 'string') out.description = node.description;
    out['x-kubernetes-preserve-unknown-fields'] = true;
    return out;
  }
  const type = concrete[0];
  if (concrete.length > 1 || typeof type !== 'string' || !TYPES.has(type)) {
    throw new StructuralSchemaError(path, `type ${JSON.stringify(node.type)} has no structural form`);
  }
  out.type = type as SchemaType;
  if (typeof node.format === 'string' && FORMATS.has(node.format)) out.format = node.format;
  for (const key of COPIED) if (node[key] !== undefined) (out as Json)[key] = node[key];
  if (nullable) out.nullable = true;
  if (node.default !== undefined) out.default = node.default;
  copyEnum(node, out, path);
  copyBounds(node, out);
  if (type === 'array') {
    if (!isJson(node.items)) throw new StructuralSchemaError(path, 'an array needs a single items schema');
    out.items = structuralFromJson(node.items, `${path}[]`);
  }
  if (type === 'object') copyObject(node, out, path);
  return out;
}

function fromAnyOf(node: Json, anyOf: unknown, path: string): StructuralSchema {
  if (!Array.isArray(anyOf)) throw new StructuralSchemaError(path, 'anyOf must be a list');
  const branches: unknown[] = anyOf.filter(
    (b) => !(isJson(b) && b.type === 'null' && Object.keys(b).length === 1),
  );
  const only = branches[0];
  if (branches.length !== 1 || !isJson(only)) {
    throw new StructuralSchemaError(path, 'a union has no structural form (only T | null is supported)');
  }
  const { anyOf: _ignored, ...rest } = node;
  const out = structuralFromJson({ ...only, ...rest }, path);
  if (branches.length < anyOf.length) out.nullable = true;
  return out;
}

function copyEnum(node: Json, out: StructuralSchema, path: string): void {
  const values = node.const !== undefined ? [node.const] : node.enum;
  if (values === undefined) return;
  if (!Array.isArray(values) || !values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    throw new StructuralSchemaError(path, 'enum values must be strings, numbers or booleans');
  }
  out.enum = values as (string | number | boolean)[];
}

/** JSON Schema 2020-12 numeric exclusive bounds → OpenAPI 3.0 boolean flags; zod's safe-integer bounds dropped. */
function copyBounds(node: Json, out: StructuralSchema): void {
  const safe = (n: unknown): n is number => typeof n === 'number' && Math.abs(n) !== Number.MAX_SAFE_INTEGER;
  if (safe(node.minimum)) out.minimum = node.minimum;
  if (safe(node.exclusiveMinimum)) {
    out.minimum = node.exclusiveMinimum;
    out.exclusiveMinimum = true;
  }
  if (safe(node.maximum)) out.maximum = node.maximum;
  if (safe(node.exclusiveMaximum)) {
    out.maximum = node.exclusiveMaximum;
    out.exclusiveMaximum = true;
  }
}

function copyObject(node: Json, out: StructuralSchema, path: string): void {
  const { properties, additionalProperties, required } = node;
  if (isJson(properties)) {
    out.properties = {};
    for (const [name, child] of Object.entries(properties)) {
      out.properties[name] = structuralFromJson(child, path ? `${path}.${name}` : name);
    }
    if (Array.isArray(required) && required.length > 0) out.required = required.map(String);
    // Strict objects (additionalProperties: false) are the CRD default: unknown fields are
    // pruned or, under strict field validation, rejected. Loose ones keep what they are given.
    if (additionalProperties !== undefined && additionalProperties !== false)
      out['x-kubernetes-preserve-unknown-fields'] = true;
    return;
  }
  if (isJson(additionalProperties) && Object.keys(additionalProperties).length > 0) {
    out.additionalProperties = structuralFromJson(additionalProperties, `${path}.*`);
  } else if (additionalProperties !== false) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
}
