// deploy/crds/ is generated from KINDS: no drift, structural schemas, the same verdicts as the
// zod schemas, and CRD ranges/CEL rules that agree with parse(). (deploy.test.ts checks the
// other manifests.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { validatedKinds } from '../../src/core/admission/webhook-paths.js';
import {
  buildAllCrds,
  buildCrds,
  CRD_DIR,
  derivedSpecSchema,
  generateCrdFiles,
  StructuralSchemaError,
  structuralFromZod,
  type StructuralSchema,
} from '../../src/core/config/crd/index.js';
import { controllerResources, speakerResources } from '../../src/app/watched-resources.js';
import { KINDS, STATUS_KINDS, type KindInfo, type KindVersion } from '../../src/core/config/kinds.js';
import { parse } from '../../src/core/config/parse.js';
import { validateInputs } from '../../src/core/config/report.js';
import { parseYamlDocuments } from '../../src/core/yaml-documents.js';
import { celToJs, evalCel, validate } from './crd-validator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'seed-examples');
const NS = 'metallb-system';
const crds = buildCrds();
const allCrds = buildAllCrds();

const kindOf = (kind: string): KindInfo => KINDS.find((k) => k.kind === kind)!;
const versionOf = (kind: string, version: string): KindVersion =>
  kindOf(kind).versions.find((v) => v.name === version)!;
const fullSchema = (kind: string, version: string): StructuralSchema =>
  crds.find((c) => c.spec.names.kind === kind)!.spec.versions.find((v) => v.name === version)!.schema
    .openAPIV3Schema;

describe('CRD generation', () => {
  it('the committed deploy/crds/ files are what scripts/gen-crds.ts generates', () => {
    const files = generateCrdFiles();
    for (const file of files) {
      assert.equal(
        readFileSync(join(ROOT, file.path), 'utf8'),
        file.content,
        `${file.path} is stale: run npm run gen:crds`,
      );
    }
    const committed = readdirSync(join(ROOT, CRD_DIR))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    assert.deepEqual(committed, files.map((f) => f.path.slice(CRD_DIR.length + 1)).sort());
  });

  it('one CRD per served kind, with versions, storage, deprecation and printer columns from KINDS and STATUS_KINDS', () => {
    const served = [...KINDS, ...STATUS_KINDS].filter((k) => k.crd);
    assert.deepEqual(
      allCrds.map((c) => c.spec.names.kind),
      served.map((k) => k.kind),
    );
    for (const [i, info] of served.entries()) {
      const crd = allCrds[i]!;
      assert.equal(crd.metadata.name, `${info.plural}.${info.group}`);
      assert.equal(crd.spec.scope, 'Namespaced');
      assert.equal(crd.spec.versions.filter((v) => v.storage).length, 1, info.kind);
      for (const [j, version] of info.versions.entries()) {
        const v = crd.spec.versions[j]!;
        assert.equal(v.name, version.name);
        assert.equal(v.served, true);
        assert.equal(v.storage, version.storage);
        assert.equal(v.deprecated, version.deprecationWarning ? true : undefined);
        assert.equal(v.deprecationWarning, version.deprecationWarning);
        assert.deepEqual(
          v.additionalPrinterColumns?.map((c) => c.jsonPath),
          info.printerColumns?.map((c) => c.jsonPath),
        );
      }
    }
  });

  it('IPAddressPool has a status subresource with integer address counts', () => {
    const v = crds.find((c) => c.spec.names.kind === 'IPAddressPool')!.spec.versions[0]!;
    assert.deepEqual(v.subresources, { status: {} });
    const status = v.schema.openAPIV3Schema.properties?.status;
    for (const field of ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6']) {
      assert.equal(status?.properties?.[field]?.type, 'integer', field);
    }
    assert.equal(v.schema.openAPIV3Schema.properties?.spec?.properties?.addresses?.minItems, 1);
  });
});

const statusObject = (kind: string, status: Record<string, unknown> | undefined, spec?: unknown) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind,
  metadata: { name: 'l2-abcde', namespace: NS },
  ...(spec !== undefined ? { spec } : {}),
  ...(status ? { status } : {}),
});

describe("the speaker's status objects (ServiceL2Status, ServiceBGPStatus)", () => {
  const crdOf = (kind: string) => allCrds.find((c) => c.spec.names.kind === kind)!;
  const schemaOf = (kind: string) => crdOf(kind).spec.versions[0]!.schema.openAPIV3Schema;

  it("are served as MetalLB 0.14+ serves them: names, v1beta1, a status subresource, MetalLB's printer columns", () => {
    const expected = {
      ServiceL2Status: ['servicel2statuses', 'Allocated Node'],
      ServiceBGPStatus: ['servicebgpstatuses', 'Node'],
    } as const;
    for (const [kind, [plural, nodeColumn]] of Object.entries(expected)) {
      const crd = crdOf(kind);
      assert.equal(crd.metadata.name, `${plural}.metallb.io`);
      assert.deepEqual(crd.spec.names, {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
      });
      assert.equal(crd.spec.scope, 'Namespaced');
      assert.equal(crd.spec.conversion, undefined);
      const [version, ...others] = crd.spec.versions;
      assert.deepEqual(others, []);
      assert.equal(version?.name, 'v1beta1');
      assert.deepEqual(version.subresources, { status: {} });
      assert.deepEqual(
        version.additionalPrinterColumns?.map((c) => [c.name, c.jsonPath, c.type]),
        [
          [nodeColumn, '.status.node', 'string'],
          ['Service Name', '.status.serviceName', 'string'],
          ['Service Namespace', '.status.serviceNamespace', 'string'],
        ],
      );
      assert.deepEqual(version.schema.openAPIV3Schema.required, undefined, 'spec may be left out');
    }
  });

  it('the CRD accepts what the speaker writes, and refuses unknown fields and wrong types', () => {
    const l2 = {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'default',
      interfaces: [{ name: 'eth0' }],
    };
    const bgp = { node: 'node1', serviceName: 'web', serviceNamespace: 'default', peers: ['peer1', 'peer2'] };
    const cases: [string, Record<string, unknown> | undefined, unknown, string[]][] = [
      ['ServiceL2Status', l2, {}, []],
      ['ServiceL2Status', undefined, undefined, []],
      [
        'ServiceL2Status',
        { ...l2, interfaces: [{ name: 'eth0', mac: 'x' }] },
        {},
        ['status.interfaces[0].mac: unknown field'],
      ],
      ['ServiceL2Status', { ...l2, peers: ['p'] }, {}, ['status.peers: unknown field']],
      ['ServiceL2Status', l2, { node: 'x' }, ['spec.node: unknown field']],
      ['ServiceBGPStatus', bgp, {}, []],
      ['ServiceBGPStatus', { ...bgp, peers: 'peer1' }, {}, ['status.peers: must be of type array']],
      ['ServiceBGPStatus', { ...bgp, interfaces: [] }, {}, ['status.interfaces: unknown field']],
    ];
    for (const [kind, status, spec, problems] of cases) {
      const object = statusObject(kind, status, spec);
      assert.deepEqual(validate(schemaOf(kind), object, { cel: true }), problems, JSON.stringify(object));
    }
  });

  it('node, serviceName and serviceNamespace cannot change once written (as in MetalLB); interfaces and peers can', () => {
    const before = { node: 'node1', serviceName: 'web', serviceNamespace: 'default', peers: ['a'] };
    const cases: [Record<string, unknown>, boolean][] = [
      [before, true],
      [{ ...before, peers: ['a', 'b'] }, true],
      [{ ...before, node: 'node2' }, false],
      [{ ...before, serviceName: 'api' }, false],
      [{ ...before, serviceNamespace: 'other' }, false],
    ];
    for (const [after, allowed] of cases) {
      const problems = validate(schemaOf('ServiceBGPStatus'), statusObject('ServiceBGPStatus', after), {
        cel: true,
        old: statusObject('ServiceBGPStatus', before),
      });
      assert.equal(problems.length === 0, allowed, `${JSON.stringify(after)}: ${problems.join('; ')}`);
    }
    const l2 = schemaOf('ServiceL2Status').properties?.status?.properties ?? {};
    for (const field of ['node', 'serviceName', 'serviceNamespace'])
      assert.deepEqual(
        l2[field]?.['x-kubernetes-validations']?.map((r) => r.rule),
        ['self == oldSelf'],
        field,
      );
  });

  it('are not configuration: herald validate and parse() pass over them, the controller does not watch them, no webhook validates them', () => {
    const objects = [
      statusObject('ServiceL2Status', { node: 'node1', serviceName: 'web', serviceNamespace: 'default' }, {}),
      statusObject('ServiceBGPStatus', { node: 'node1', peers: ['p'] }),
    ];
    const result = parse(objects, { references: 'warn' });
    assert.equal(result.ok, true);
    assert.deepEqual(result.issues, []);
    const report = validateInputs(
      objects.map((value) => ({ file: 'status.yaml', value })),
      { namespace: NS },
    );
    assert.deepEqual(report.entries, []);
    assert.equal(report.errorCount, 0);
    // Among configuration, they change nothing.
    const pool = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'p', namespace: NS },
      spec: { addresses: ['10.0.0.0/24'] },
    };
    const alone = parse([pool]);
    const mixed = parse([pool, ...objects]);
    assert.ok(alone.ok && mixed.ok);
    assert.deepEqual(mixed.config, alone.config);

    // The agents watch the kinds of KINDS (src/app's watched resources), and the webhooks validate them.
    const plurals = STATUS_KINDS.map((k) => k.plural);
    assert.deepEqual(
      KINDS.filter((k) => plurals.includes(k.plural)),
      [],
    );
    assert.deepEqual(
      validatedKinds().filter((k) => STATUS_KINDS.includes(k.info)),
      [],
    );
    assert.deepEqual(
      crds.filter((c) => plurals.includes(c.spec.names.plural)),
      [],
      'buildCrds() is the configuration CRDs only',
    );
  });
});

describe('the legacy AddressPool', () => {
  it('herald validate converts it with a warning; its CRD is served, deprecated, and the agents watch it', () => {
    const legacy = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'AddressPool',
      metadata: { name: 'old', namespace: NS },
      spec: { protocol: 'layer2', addresses: ['10.9.0.0/24'] },
    };
    const result = parse([legacy], { references: 'warn' });
    assert.equal(result.ok, true);
    assert.ok(
      result.issues.some((i) => i.severity === 'warning' && /AddressPool is deprecated/.test(i.message)),
    );
    // Accepted means served on Kubernetes too: kubectl shows the deprecation, the agents read it.
    const version = allCrds.find((c) => c.spec.names.kind === 'AddressPool')?.spec.versions[0];
    assert.ok(version);
    assert.equal(version.deprecated, true);
    assert.match(version.deprecationWarning ?? '', /use IPAddressPool/);
    assert.ok(controllerResources(NS).some((r) => r.plural === 'addresspools'));
    assert.ok(speakerResources(NS).some((r) => r.plural === 'addresspools'));
  });
});

describe('zod → structural schema', () => {
  const cases: [string, z.ZodType, StructuralSchema][] = [
    [
      'strict object: required kept, additionalProperties: false dropped',
      z.strictObject({ a: z.string(), b: z.boolean().optional() }),
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'boolean' } },
        required: ['a'],
      },
    ],
    [
      'z.int(): safe-integer bounds dropped, own bounds kept',
      z.strictObject({ n: z.int(), p: z.int().min(1).max(9) }),
      {
        type: 'object',
        properties: { n: { type: 'integer' }, p: { type: 'integer', minimum: 1, maximum: 9 } },
        required: ['n', 'p'],
      },
    ],
    [
      'exclusive bounds in OpenAPI 3.0 spelling',
      z.number().positive(),
      { type: 'number', minimum: 0, exclusiveMinimum: true },
    ],
    [
      'record → additionalProperties',
      z.record(z.string(), z.string()),
      { type: 'object', additionalProperties: { type: 'string' } },
    ],
    ['unknown → preserve-unknown-fields', z.unknown(), { 'x-kubernetes-preserve-unknown-fields': true }],
    ['nullable', z.string().nullable(), { type: 'string', nullable: true }],
    ['literal → enum', z.literal('x'), { type: 'string', enum: ['x'] }],
    [
      'loose object keeps unknown fields',
      z.looseObject({ a: z.string() }),
      {
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
        'x-kubernetes-preserve-unknown-fields': true,
      },
    ],
  ];
  for (const [label, schema, expected] of cases) {
    it(label, () => assert.deepEqual(structuralFromZod(schema), expected));
  }
  it('a union has no structural form and says where', () => {
    assert.throws(
      () => structuralFromZod(z.strictObject({ u: z.union([z.string(), z.int()]) })),
      (e: unknown) => {
        return e instanceof StructuralSchemaError && e.path === 'u';
      },
    );
  });
});

/** Why `schema` is not a structural schema the API server accepts (empty when it is). */
function structuralProblems(schema: StructuralSchema, path = ''): string[] {
  const out: string[] = [];
  const at = (reason: string) => out.push(`${path || '(root)'}: ${reason}`);
  const raw = schema as Record<string, unknown>;
  for (const key of [
    '$ref',
    '$schema',
    'anyOf',
    'oneOf',
    'allOf',
    'not',
    'const',
    'propertyNames',
    'prefixItems',
  ]) {
    if (key in raw) at(`has ${key}`);
  }
  if (
    !schema.type &&
    !schema['x-kubernetes-preserve-unknown-fields'] &&
    !schema['x-kubernetes-int-or-string']
  )
    at('no type');
  if (typeof raw.additionalProperties === 'boolean') at('boolean additionalProperties');
  if (schema.properties && schema.additionalProperties) at('additionalProperties alongside properties');
  if (raw.uniqueItems === true) at('uniqueItems: true is not allowed');
  if (typeof raw.exclusiveMinimum === 'number' || typeof raw.exclusiveMaximum === 'number')
    at('JSON Schema 2020 exclusive bounds');
  if (schema.type === 'array' && !schema.items) at('array without items');
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    if (!rule || !message) at('validation rule without rule or message');
    try {
      celToJs(rule);
    } catch (e) {
      at(String(e));
    }
    // CEL refuses to compile a rule that names a field the schema does not declare.
    for (const [, field] of rule.matchAll(/(?:self|oldSelf)\.(\w+)/g)) {
      if (!schema.properties?.[field!]) at(`rule "${rule}" names undeclared field ${field!}`);
    }
  }
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    out.push(...structuralProblems(child, path ? `${path}.${name}` : name));
  if (schema.items) out.push(...structuralProblems(schema.items, `${path}[]`));
  if (schema.additionalProperties) out.push(...structuralProblems(schema.additionalProperties, `${path}.*`));
  return out;
}

describe('CRD schemas are structural', () => {
  for (const crd of allCrds) {
    for (const version of crd.spec.versions) {
      it(`${crd.metadata.name} ${version.name}`, () => {
        const schema = version.schema.openAPIV3Schema;
        assert.deepEqual(structuralProblems(schema), []);
        assert.deepEqual(Object.keys(schema.properties ?? {}).slice(0, 4), [
          'apiVersion',
          'kind',
          'metadata',
          'spec',
        ]);
        assert.deepEqual(schema.properties?.metadata, { type: 'object' });
      });
    }
  }
  it('the walker catches what the API server refuses', () => {
    const bad = {
      type: 'object',
      properties: { a: { description: 'untyped' } },
      additionalProperties: { type: 'string' },
    } as StructuralSchema;
    assert.deepEqual(structuralProblems(bad), [
      '(root): additionalProperties alongside properties',
      'a: no type',
    ]);
  });
});

interface Sample {
  readonly label: string;
  readonly kind: string;
  readonly version: string;
  readonly spec: unknown;
}

/** Every metallb.io/frrk8s object of a CRD kind among the seed fixtures. */
function fixtureSamples(): Sample[] {
  const out: Sample[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseYamlDocuments(readFileSync(join(FIXTURES, file), 'utf8')).documents) {
      const value = doc.value as { apiVersion?: string; kind?: string; spec?: unknown };
      const [group, version] = (value.apiVersion ?? '').split('/');
      const info = KINDS.find((k) => k.crd && k.group === group && k.kind === value.kind);
      if (info && version)
        out.push({ label: `${file.slice(0, 3)} ${info.kind}`, kind: info.kind, version, spec: value.spec });
    }
  }
  return out;
}

/** Variations of a valid spec: an unknown field in each object, each field removed, each leaf mistyped. */
function mutations(value: unknown, path = ''): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [];
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    items.forEach((item, i) => {
      for (const m of mutations(item, `${path}[${i}]`))
        out.push({ label: m.label, value: items.map((v, j) => (j === i ? m.value : v)) });
    });
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    out.push({ label: `${path}.bogusField added`, value: { ...obj, bogusField: 1 } });
    for (const [key, child] of Object.entries(obj)) {
      const { [key]: _removed, ...rest } = obj;
      out.push({ label: `${path}.${key} removed`, value: rest });
      for (const m of mutations(child, `${path}.${key}`))
        out.push({ label: m.label, value: { ...obj, [key]: m.value } });
    }
  } else {
    out.push({ label: `${path} mistyped`, value: typeof value === 'string' ? 7 : 'x' });
  }
  return out;
}

describe('the derived schema gives the same verdicts as the zod schema', () => {
  const samples = fixtureSamples();
  it('the seed fixtures give enough samples, 018 among them', () => {
    assert.ok(samples.length >= 40, `only ${samples.length} samples`);
    assert.ok(samples.some((s) => s.label === '018 BGPAdvertisement'));
  });
  for (const sample of samples) {
    it(`${sample.label} and its mutations`, () => {
      const version = versionOf(sample.kind, sample.version);
      const schema = derivedSpecSchema(version);
      for (const { label, value } of [
        { label: 'as written', value: sample.spec },
        ...mutations(sample.spec),
      ]) {
        const zodOk = version.spec.safeParse(value).success;
        const problems = validate(schema, value);
        assert.equal(
          problems.length === 0,
          zodOk,
          `${label}: zod ${zodOk ? 'accepts' : 'rejects'}, CRD says ${problems.join('; ') || 'ok'}`,
        );
      }
    });
  }
  it('018 (unknown spec.nodeSelector) is rejected by both', () => {
    const s = samples.find((x) => x.label === '018 BGPAdvertisement')!;
    const version = versionOf('BGPAdvertisement', 'v1beta1');
    assert.equal(version.spec.safeParse(s.spec).success, false);
    assert.deepEqual(validate(derivedSpecSchema(version), s.spec), ['nodeSelector: unknown field']);
    assert.deepEqual(
      validate(
        fullSchema('BGPAdvertisement', 'v1beta1'),
        { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: {}, spec: s.spec },
        { cel: true },
      ),
      ['spec.nodeSelector: unknown field'],
    );
  });
});

// Each case: an object that differs from a valid one in the fields a CRD range or CEL rule checks.
// The CRD (schema + CEL) must accept it exactly when parse() does.
const peer = (spec: Record<string, unknown>) => ({
  myASN: 64500,
  peerASN: 64501,
  peerAddress: '10.0.0.1',
  ...spec,
});
const noPeerASN = (spec: Record<string, unknown>) => {
  const { peerASN: _a, ...rest } = peer(spec);
  return rest;
};
const noPeerAddress = (spec: Record<string, unknown>) => {
  const { peerAddress: _a, ...rest } = peer(spec);
  return rest;
};
const communities = (n: number) => Array.from({ length: n }, (_, i) => `65000:${i + 1}`);

const RULE_CASES: readonly Sample[] = [
  ...[{}, { peerPort: 0 }, { peerPort: 1 }, { peerPort: 16384 }, { peerPort: 16385 }].map((s) => ({
    label: JSON.stringify(s),
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer(s),
  })),
  {
    label: 'peerASN and dynamicASN',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer({ dynamicASN: 'external' }),
  },
  {
    label: 'dynamicASN only',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: noPeerASN({ dynamicASN: 'external' }),
  },
  { label: 'no ASN', kind: 'BGPPeer', version: 'v1beta2', spec: noPeerASN({}) },
  {
    label: 'peerAddress and interface',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer({ interface: 'eth0' }),
  },
  {
    label: 'interface only',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: noPeerAddress({ interface: 'eth0' }),
  },
  { label: 'no address', kind: 'BGPPeer', version: 'v1beta2', spec: noPeerAddress({}) },
  {
    label: 'password and secret',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer({ password: 'x', passwordSecret: { name: 's' } }),
  },
  { label: 'password only', kind: 'BGPPeer', version: 'v1beta2', spec: peer({ password: 'x' }) },
  { label: 'ebgpMultiHop on eBGP', kind: 'BGPPeer', version: 'v1beta2', spec: peer({ ebgpMultiHop: true }) },
  {
    label: 'ebgpMultiHop on iBGP',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer({ ebgpMultiHop: true, peerASN: 64500 }),
  },
  {
    label: 'ebgpMultiHop, dynamic internal',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: noPeerASN({ ebgpMultiHop: true, dynamicASN: 'internal' }),
  },
  {
    label: 'ebgpMultiHop false on iBGP',
    kind: 'BGPPeer',
    version: 'v1beta2',
    spec: peer({ ebgpMultiHop: false, peerASN: 64500 }),
  },
  { label: 'v1beta1 valid', kind: 'BGPPeer', version: 'v1beta1', spec: peer({}) },
  { label: 'v1beta1 no ASN', kind: 'BGPPeer', version: 'v1beta1', spec: noPeerASN({}) },
  { label: 'v1beta1 no address', kind: 'BGPPeer', version: 'v1beta1', spec: noPeerAddress({}) },
  {
    label: 'v1beta1 password and secret',
    kind: 'BGPPeer',
    version: 'v1beta1',
    spec: peer({ password: 'x', passwordSecret: { name: 's' } }),
  },
  {
    label: 'v1beta1 ebgpMultiHop on iBGP',
    kind: 'BGPPeer',
    version: 'v1beta1',
    spec: peer({ ebgpMultiHop: true, peerASN: 64500 }),
  },
  ...(
    [
      ['receiveInterval', 10, 60000],
      ['transmitInterval', 10, 60000],
      ['echoInterval', 10, 60000],
      ['detectMultiplier', 2, 255],
      ['minimumTtl', 1, 254],
    ] as const
  ).flatMap(([field, min, max]) =>
    [min - 1, min, max, max + 1].map((n) => ({
      label: `${field} ${n}`,
      kind: 'BFDProfile',
      version: 'v1beta1',
      spec: { [field]: n },
    })),
  ),
  ...[0, 1, 32, 33].map((n) => ({
    label: `aggregationLength ${n}`,
    kind: 'BGPAdvertisement',
    version: 'v1beta1',
    spec: { aggregationLength: n },
  })),
  ...[0, 1, 128, 129].map((n) => ({
    label: `aggregationLengthV6 ${n}`,
    kind: 'BGPAdvertisement',
    version: 'v1beta1',
    spec: { aggregationLengthV6: n },
  })),
  ...[63, 64].map((n) => ({
    label: `${n} communities`,
    kind: 'BGPAdvertisement',
    version: 'v1beta1',
    spec: { communities: communities(n) },
  })),
  ...[{ aggregationLength: 32 }, { aggregationLength: 31 }, { aggregationLengthV6: 120 }, {}].map((s) => ({
    label: `serviceSelectors with ${JSON.stringify(s)}`,
    kind: 'BGPAdvertisement',
    version: 'v1beta1',
    spec: { ...s, serviceSelectors: [{ matchLabels: { app: 'web' } }] },
  })),
  { label: 'empty addresses', kind: 'IPAddressPool', version: 'v1beta1', spec: { addresses: [] } },
  { label: 'one address', kind: 'IPAddressPool', version: 'v1beta1', spec: { addresses: ['10.0.0.0/24'] } },
];

describe('CRD ranges and CEL rules agree with parse()', () => {
  for (const c of RULE_CASES) {
    it(`${c.kind} ${c.version}: ${c.label}`, () => {
      const object = {
        apiVersion: `${kindOf(c.kind).group}/${c.version}`,
        kind: c.kind,
        metadata: { name: 'x', namespace: NS },
        spec: c.spec,
      };
      const crdProblems = validate(fullSchema(c.kind, c.version), object, { cel: true });
      const result = parse([object], { references: 'warn' });
      const errors = result.issues
        .filter((i) => i.severity === 'error')
        .map((i) => `${i.field}: ${i.message}`);
      assert.equal(
        crdProblems.length === 0,
        result.ok,
        `CRD: ${crdProblems.join('; ') || 'ok'}; parse(): ${errors.join('; ') || 'ok'}`,
      );
    });
  }
});

describe('enableGracefulRestart is immutable', () => {
  const schema = fullSchema('BGPPeer', 'v1beta2');
  const object = (extra: Record<string, unknown>) => ({
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    metadata: {},
    spec: peer(extra),
  });
  const cases: [Record<string, unknown>, Record<string, unknown>, boolean][] = [
    [{}, {}, true],
    [{ enableGracefulRestart: true }, { enableGracefulRestart: true }, true],
    [{ enableGracefulRestart: true }, { enableGracefulRestart: false }, false],
    [{}, { enableGracefulRestart: true }, false],
    [{ enableGracefulRestart: true }, {}, false],
    [{}, { enableGracefulRestart: false }, true],
    [{ enableGracefulRestart: true }, { enableGracefulRestart: true, peerPort: 180 }, true],
  ];
  for (const [before, after, allowed] of cases) {
    it(`${JSON.stringify(before)} → ${JSON.stringify(after)}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const problems = validate(schema, object(after), { cel: true, old: object(before) });
      assert.equal(problems.length === 0, allowed, problems.join('; '));
    });
  }
  it('creation is not a transition', () => {
    assert.deepEqual(validate(schema, object({ enableGracefulRestart: true }), { cel: true }), []);
    assert.equal(evalCel('self == oldSelf', true, false), false);
  });
});
