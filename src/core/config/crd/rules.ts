// What the API server can check on one object beyond the zod shapes: ranges and CEL rules
// (x-kubernetes-validations) for the per-object rules of behaviour.md §1. parse() checks all of
// them too (../rules/); the CRD only makes `kubectl apply` refuse early. Rules that need other
// objects, IP parsing or durations stay in parse() alone (docs/design/crds.md).
import { serviceBgpStatus, serviceL2Status } from '../schema/status.js';
import { structuralFromZod, type StructuralSchema, type ValidationRule } from './structural.js';

export interface FieldRefinement {
  /** Property names from spec down to the field; '[]' steps into array items. */
  readonly path: readonly string[];
  readonly schema?: Pick<StructuralSchema, 'minimum' | 'maximum' | 'minItems' | 'maxItems'>;
  readonly rules?: readonly ValidationRule[];
}

export interface VersionRefinements {
  readonly fields?: readonly FieldRefinement[];
  /** Rules on spec as a whole (`self` is the spec). */
  readonly specRules?: readonly ValidationRule[];
}

export interface KindRefinements {
  readonly status?: StructuralSchema;
  /** Per version name; '*' applies to every version. */
  readonly versions: Readonly<Record<string, VersionRefinements>>;
}

const range = (min: number, max: number) => ({ minimum: min, maximum: max });

const exactlyOne = (a: string, b: string): ValidationRule => ({
  rule: `has(self.${a}) != has(self.${b})`,
  message: `exactly one of ${a} or ${b} must be set`,
});

const peerCommon: readonly ValidationRule[] = [
  {
    rule: '!(has(self.password) && has(self.passwordSecret))',
    message: 'can not have both password and secret ref set',
  },
];

const countStatus = (what: string): StructuralSchema => ({
  type: 'integer',
  format: 'int64',
  description: what,
});

/**
 * The status of a speaker's status object: node and Service never change once written (as in
 * MetalLB's CRDs); a Service that moves to another node gets a new object.
 */
function speakerStatus(schema: StructuralSchema): StructuralSchema {
  for (const field of ['node', 'serviceName', 'serviceNamespace']) {
    const node = schema.properties?.[field];
    if (!node) throw new Error(`status schema has no ${field}`);
    node['x-kubernetes-validations'] = [{ rule: 'self == oldSelf', message: `${field} is immutable` }];
  }
  return schema;
}

export const REFINEMENTS: Readonly<Record<string, KindRefinements>> = {
  ServiceL2Status: { status: speakerStatus(structuralFromZod(serviceL2Status)), versions: {} },
  ServiceBGPStatus: { status: speakerStatus(structuralFromZod(serviceBgpStatus)), versions: {} },
  IPAddressPool: {
    status: {
      type: 'object',
      properties: {
        assignedIPv4: countStatus('Number of IPv4 addresses of the pool assigned to services.'),
        assignedIPv6: countStatus('Number of IPv6 addresses of the pool assigned to services.'),
        availableIPv4: countStatus('Number of IPv4 addresses of the pool still free.'),
        availableIPv6: countStatus('Number of IPv6 addresses of the pool still free.'),
      },
    },
    versions: { '*': { fields: [{ path: ['addresses'], schema: { minItems: 1 } }] } },
  },
  BGPAdvertisement: {
    versions: {
      '*': {
        fields: [
          { path: ['aggregationLength'], schema: range(1, 32) },
          { path: ['aggregationLengthV6'], schema: range(1, 128) },
          { path: ['communities'], schema: { maxItems: 63 } },
        ],
        specRules: [
          {
            rule:
              '!has(self.serviceSelectors) || size(self.serviceSelectors) == 0 || ' +
              '((!has(self.aggregationLength) || self.aggregationLength == 32) && (!has(self.aggregationLengthV6) || self.aggregationLengthV6 == 128))',
            message: 'serviceSelectors can not be used together with a non-default aggregation length',
          },
        ],
      },
    },
  },
  BGPPeer: {
    versions: {
      '*': { fields: [{ path: ['peerPort'], schema: range(1, 16384) }] },
      v1beta2: {
        fields: [
          {
            path: ['enableGracefulRestart'],
            rules: [
              { rule: 'self == oldSelf', message: 'enableGracefulRestart cannot be changed after creation' },
            ],
          },
        ],
        specRules: [
          exactlyOne('peerASN', 'dynamicASN'),
          exactlyOne('peerAddress', 'interface'),
          ...peerCommon,
          {
            rule:
              '!(has(self.ebgpMultiHop) && self.ebgpMultiHop && ((has(self.peerASN) && self.peerASN == self.myASN) || ' +
              "(has(self.dynamicASN) && self.dynamicASN == 'internal')))",
            message: 'invalid ebgpMultiHop parameter set for an ibgp peer',
          },
          {
            // The field rule above runs only when both old and new objects set the field; this
            // one catches adding or removing it (unset means false).
            rule:
              '(has(self.enableGracefulRestart) && self.enableGracefulRestart) == ' +
              '(has(oldSelf.enableGracefulRestart) && oldSelf.enableGracefulRestart)',
            message: 'enableGracefulRestart cannot be changed after creation',
          },
        ],
      },
      v1beta1: {
        specRules: [
          { rule: 'has(self.peerASN)', message: 'peerASN must be set' },
          { rule: 'has(self.peerAddress)', message: 'peerAddress must be set' },
          ...peerCommon,
          {
            rule: '!(has(self.ebgpMultiHop) && self.ebgpMultiHop && has(self.peerASN) && self.peerASN == self.myASN)',
            message: 'invalid ebgpMultiHop parameter set for an ibgp peer',
          },
        ],
      },
    },
  },
  BFDProfile: {
    versions: {
      '*': {
        fields: [
          { path: ['receiveInterval'], schema: range(10, 60000) },
          { path: ['transmitInterval'], schema: range(10, 60000) },
          { path: ['echoInterval'], schema: range(10, 60000) },
          { path: ['detectMultiplier'], schema: range(2, 255) },
          { path: ['minimumTtl'], schema: range(1, 254) },
        ],
      },
    },
  },
};

/** The refinements of one version ('*' first, then the version's own). */
export function refinementsFor(kind: string, version: string): VersionRefinements[] {
  const versions = REFINEMENTS[kind]?.versions ?? {};
  return [versions['*'], versions[version]].filter((r): r is VersionRefinements => r !== undefined);
}
