// Shapes of the metallb.io kinds (the CRDs in deploy/crds/ are generated from these).
// Cross-field and cross-object rules live in ../rules/, not here.
import { z } from 'zod';
import { asn, durationString, labelSelector, uint32 } from './common.js';

export const ipAddressPoolSpec = z.strictObject({
  addresses: z.array(z.string()).min(1),
  autoAssign: z.boolean().optional(),
  avoidBuggyIPs: z.boolean().optional(),
  serviceAllocation: z
    .strictObject({
      priority: z.int().optional(),
      namespaces: z.array(z.string()).optional(),
      namespaceSelectors: z.array(labelSelector).optional(),
      serviceSelectors: z.array(labelSelector).optional(),
    })
    .optional(),
});

export const l2AdvertisementSpec = z.strictObject({
  ipAddressPools: z.array(z.string()).optional(),
  ipAddressPoolSelectors: z.array(labelSelector).optional(),
  nodeSelectors: z.array(labelSelector).optional(),
  interfaces: z.array(z.string()).optional(),
  serviceSelectors: z.array(labelSelector).optional(),
});

export const bgpAdvertisementSpec = z.strictObject({
  aggregationLength: z.int().optional(),
  aggregationLengthV6: z.int().optional(),
  localPref: uint32.optional(),
  communities: z.array(z.string()).optional(),
  ipAddressPools: z.array(z.string()).optional(),
  ipAddressPoolSelectors: z.array(labelSelector).optional(),
  nodeSelectors: z.array(labelSelector).optional(),
  peers: z.array(z.string()).optional(),
  serviceSelectors: z.array(labelSelector).optional(),
});

const secretReference = z.strictObject({ name: z.string().optional(), namespace: z.string().optional() });

const bgpPeerCommon = {
  myASN: asn,
  peerASN: asn.optional(),
  peerAddress: z.string().optional(),
  sourceAddress: z.string().optional(),
  peerPort: z.int().optional(),
  holdTime: durationString.optional(),
  keepaliveTime: durationString.optional(),
  routerID: z.string().optional(),
  nodeSelectors: z.array(labelSelector).optional(),
  password: z.string().optional(),
  passwordSecret: secretReference.optional(),
  bfdProfile: z.string().optional(),
  ebgpMultiHop: z.boolean().optional(),
  vrf: z.string().optional(),
};

export const bgpPeerSpecV1beta2 = z.strictObject({
  ...bgpPeerCommon,
  dynamicASN: z.enum(['internal', 'external']).optional(),
  interface: z.string().optional(),
  connectTime: durationString.optional(),
  enableGracefulRestart: z.boolean().optional(),
  disableMP: z.boolean().optional(),
  dualStackAddressFamily: z.boolean().optional(),
  localASN: asn.optional(),
});

/** v1beta1 (deprecated, still served): no dynamicASN, interface, connectTime or graceful restart. */
export const bgpPeerSpecV1beta1 = z.strictObject(bgpPeerCommon);

export const bfdProfileSpec = z.strictObject({
  receiveInterval: z.int().optional(),
  transmitInterval: z.int().optional(),
  detectMultiplier: z.int().optional(),
  echoInterval: z.int().optional(),
  echoMode: z.boolean().optional(),
  passiveMode: z.boolean().optional(),
  minimumTtl: z.int().optional(),
});

export const communitySpec = z.strictObject({
  communities: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
});

/** The AddressPool kind of MetalLB ≤ 0.13 (seed 003); converted, with a deprecation warning. */
export const legacyAddressPoolSpec = z.strictObject({
  protocol: z.enum(['layer2', 'bgp']),
  addresses: z.array(z.string()).min(1),
  autoAssign: z.boolean().optional(),
  avoidBuggyIPs: z.boolean().optional(),
  bgpAdvertisements: z
    .array(
      z.strictObject({
        aggregationLength: z.int().optional(),
        aggregationLengthV6: z.int().optional(),
        localPref: uint32.optional(),
        communities: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export type IPAddressPoolSpec = z.infer<typeof ipAddressPoolSpec>;
export type L2AdvertisementSpec = z.infer<typeof l2AdvertisementSpec>;
export type BGPAdvertisementSpec = z.infer<typeof bgpAdvertisementSpec>;
export type BGPPeerSpec = z.infer<typeof bgpPeerSpecV1beta2>;
export type BFDProfileSpec = z.infer<typeof bfdProfileSpec>;
export type CommunitySpec = z.infer<typeof communitySpec>;
export type LegacyAddressPoolSpec = z.infer<typeof legacyAddressPoolSpec>;
