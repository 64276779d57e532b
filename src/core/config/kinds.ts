// The registry of kinds Herald reads: group, kind, served versions and the schema of each
// version. Used by parse() and by the CRD generator, so the two cannot drift.
import type { z } from 'zod';
import { frrConfigurationSpec } from './schema/frrk8s.js';
import {
  bfdProfileSpec,
  bgpAdvertisementSpec,
  bgpPeerSpecV1beta1,
  bgpPeerSpecV1beta2,
  communitySpec,
  ipAddressPoolSpec,
  l2AdvertisementSpec,
  legacyAddressPoolSpec,
} from './schema/metallb.js';
import { metalLBSpec } from './schema/operator.js';
import { serviceStatusSpec } from './schema/status.js';

export const METALLB_GROUP = 'metallb.io';
export const FRRK8S_GROUP = 'frrk8s.metallb.io';

export interface KindVersion {
  readonly name: string;
  readonly spec: z.ZodType;
  /** The version stored and returned by the API server. */
  readonly storage: boolean;
  readonly deprecationWarning?: string;
}

export interface KindInfo {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly shortNames?: readonly string[];
  readonly versions: readonly KindVersion[];
  /** Whether Herald generates a CRD for it (the legacy AddressPool and the operator's kind are read, not served). */
  readonly crd: boolean;
  /** Every spec field is optional, so an object without `spec` is an empty spec (as MetalLB accepts). */
  readonly specOptional?: boolean;
  /** What the object is, for its CRD; by default the CRD names Herald's configuration schema. */
  readonly description?: string;
  readonly printerColumns?: readonly {
    name: string;
    jsonPath: string;
    type: 'string' | 'integer' | 'boolean' | 'date';
  }[];
}

const age = { name: 'Age', jsonPath: '.metadata.creationTimestamp', type: 'date' } as const;

export const KINDS: readonly KindInfo[] = [
  {
    group: METALLB_GROUP,
    kind: 'IPAddressPool',
    plural: 'ipaddresspools',
    versions: [{ name: 'v1beta1', spec: ipAddressPoolSpec, storage: true }],
    crd: true,
    printerColumns: [
      { name: 'Auto Assign', jsonPath: '.spec.autoAssign', type: 'boolean' },
      { name: 'Avoid Buggy IPs', jsonPath: '.spec.avoidBuggyIPs', type: 'boolean' },
      { name: 'Addresses', jsonPath: '.spec.addresses', type: 'string' },
      age,
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'L2Advertisement',
    specOptional: true,
    plural: 'l2advertisements',
    versions: [{ name: 'v1beta1', spec: l2AdvertisementSpec, storage: true }],
    crd: true,
    printerColumns: [
      { name: 'IPAddressPools', jsonPath: '.spec.ipAddressPools', type: 'string' },
      { name: 'Interfaces', jsonPath: '.spec.interfaces', type: 'string' },
      age,
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'BGPAdvertisement',
    specOptional: true,
    plural: 'bgpadvertisements',
    versions: [{ name: 'v1beta1', spec: bgpAdvertisementSpec, storage: true }],
    crd: true,
    printerColumns: [
      { name: 'IPAddressPools', jsonPath: '.spec.ipAddressPools', type: 'string' },
      { name: 'Peers', jsonPath: '.spec.peers', type: 'string' },
      age,
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'BGPPeer',
    plural: 'bgppeers',
    versions: [
      { name: 'v1beta2', spec: bgpPeerSpecV1beta2, storage: true },
      {
        name: 'v1beta1',
        spec: bgpPeerSpecV1beta1,
        storage: false,
        deprecationWarning: 'metallb.io v1beta1 BGPPeer is deprecated, please use v1beta2',
      },
    ],
    crd: true,
    printerColumns: [
      { name: 'Address', jsonPath: '.spec.peerAddress', type: 'string' },
      { name: 'ASN', jsonPath: '.spec.peerASN', type: 'string' },
      { name: 'BFD Profile', jsonPath: '.spec.bfdProfile', type: 'string' },
      { name: 'Multi Hops', jsonPath: '.spec.ebgpMultiHop', type: 'boolean' },
      age,
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'BFDProfile',
    specOptional: true,
    plural: 'bfdprofiles',
    versions: [{ name: 'v1beta1', spec: bfdProfileSpec, storage: true }],
    crd: true,
    printerColumns: [
      { name: 'Passive Mode', jsonPath: '.spec.passiveMode', type: 'boolean' },
      { name: 'Transmit Interval', jsonPath: '.spec.transmitInterval', type: 'integer' },
      { name: 'Receive Interval', jsonPath: '.spec.receiveInterval', type: 'integer' },
      { name: 'Multiplier', jsonPath: '.spec.detectMultiplier', type: 'integer' },
      age,
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'Community',
    specOptional: true,
    plural: 'communities',
    versions: [{ name: 'v1beta1', spec: communitySpec, storage: true }],
    crd: true,
    printerColumns: [age],
  },
  {
    group: METALLB_GROUP,
    kind: 'AddressPool',
    plural: 'addresspools',
    versions: [
      {
        name: 'v1beta1',
        spec: legacyAddressPoolSpec,
        storage: true,
        deprecationWarning:
          'AddressPool is deprecated (removed from MetalLB in v0.14.2); use IPAddressPool with an L2Advertisement or BGPAdvertisement',
      },
    ],
    // Still accepted (translated, with the warning), so still served: a cluster moving from an
    // old MetalLB keeps its objects readable and validated.
    crd: true,
  },
  {
    group: METALLB_GROUP,
    kind: 'MetalLB',
    specOptional: true,
    plural: 'metallbs',
    versions: [{ name: 'v1beta1', spec: metalLBSpec, storage: true }],
    crd: false,
  },
  {
    group: FRRK8S_GROUP,
    kind: 'FRRConfiguration',
    specOptional: true,
    plural: 'frrconfigurations',
    versions: [{ name: 'v1beta1', spec: frrConfigurationSpec, storage: true }],
    crd: true,
    printerColumns: [age],
  },
];

export const findKind = (group: string, kind: string): KindInfo | undefined =>
  KINDS.find((k) => k.group === group && k.kind === kind);

/**
 * The status objects the speaker writes (MetalLB 0.14+): Herald serves their CRDs, but they are
 * not configuration. They are not in KINDS, so the controller does not watch them and no webhook
 * validates them; parse() passes over them (RUNTIME_KINDS).
 */
export const STATUS_KINDS: readonly KindInfo[] = [
  {
    group: METALLB_GROUP,
    kind: 'ServiceL2Status',
    plural: 'servicel2statuses',
    specOptional: true,
    versions: [{ name: 'v1beta1', spec: serviceStatusSpec, storage: true }],
    crd: true,
    description:
      'ServiceL2Status: the node (and its interfaces) announcing a Service in layer 2; written by the speaker.',
    printerColumns: [
      { name: 'Allocated Node', jsonPath: '.status.node', type: 'string' },
      { name: 'Service Name', jsonPath: '.status.serviceName', type: 'string' },
      { name: 'Service Namespace', jsonPath: '.status.serviceNamespace', type: 'string' },
    ],
  },
  {
    group: METALLB_GROUP,
    kind: 'ServiceBGPStatus',
    plural: 'servicebgpstatuses',
    specOptional: true,
    versions: [{ name: 'v1beta1', spec: serviceStatusSpec, storage: true }],
    crd: true,
    description: 'ServiceBGPStatus: the BGP peers a node advertises a Service to; written by the speaker.',
    printerColumns: [
      { name: 'Node', jsonPath: '.status.node', type: 'string' },
      { name: 'Service Name', jsonPath: '.status.serviceName', type: 'string' },
      { name: 'Service Namespace', jsonPath: '.status.serviceNamespace', type: 'string' },
    ],
  },
];

/**
 * Kinds Herald reads or writes for other purposes (allocation, election, the speaker's status
 * objects); parse() passes over them silently.
 */
export const RUNTIME_KINDS = new Set([
  'v1/Service',
  'v1/Node',
  'v1/Namespace',
  'v1/Secret',
  'discovery.k8s.io/v1/EndpointSlice',
  ...STATUS_KINDS.flatMap((k) => k.versions.map((v) => `${k.group}/${v.name}/${k.kind}`)),
]);
