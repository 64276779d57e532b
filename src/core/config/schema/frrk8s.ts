// FRR-K8s' FRRConfiguration (frrk8s.metallb.io/v1beta1), as in seed 002 §25.8.
import { z } from 'zod';
import { asn, durationString, labelSelector, uint32 } from './common.js';

const prefixSelector = z.strictObject({
  prefix: z.string(),
  ge: z.int().optional(),
  le: z.int().optional(),
});

const allowedPrefixes = z.strictObject({
  mode: z.enum(['all', 'filtered']).optional(),
  prefixes: z.array(z.string()).optional(),
});

const allowedPrefixSelectors = z.strictObject({
  mode: z.enum(['all', 'filtered']).optional(),
  prefixes: z.array(prefixSelector).optional(),
});

const communityPrefixes = z.strictObject({ community: z.string(), prefixes: z.array(z.string()) });
const localPrefPrefixes = z.strictObject({ localPref: uint32, prefixes: z.array(z.string()) });

export const frrNeighbor = z.strictObject({
  asn: asn.optional(),
  /** The ASN presented on this session instead of the router's (FRR `local-as`). */
  localASN: asn.optional(),
  dynamicASN: z.enum(['internal', 'external']).optional(),
  address: z.string().optional(),
  interface: z.string().optional(),
  sourceaddress: z.string().optional(),
  port: z.int().optional(),
  password: z.string().optional(),
  passwordSecret: z
    .strictObject({ name: z.string().optional(), namespace: z.string().optional() })
    .optional(),
  holdTime: durationString.optional(),
  keepaliveTime: durationString.optional(),
  connectTime: durationString.optional(),
  ebgpMultiHop: z.boolean().optional(),
  bfdProfile: z.string().optional(),
  enableGracefulRestart: z.boolean().optional(),
  disableMP: z.boolean().optional(),
  toAdvertise: z
    .strictObject({
      allowed: allowedPrefixes.optional(),
      withLocalPref: z.array(localPrefPrefixes).optional(),
      withCommunity: z.array(communityPrefixes).optional(),
    })
    .optional(),
  toReceive: z.strictObject({ allowed: allowedPrefixSelectors.optional() }).optional(),
});

export const frrBfdProfile = z.strictObject({
  name: z.string(),
  receiveInterval: z.int().optional(),
  transmitInterval: z.int().optional(),
  detectMultiplier: z.int().optional(),
  echoInterval: z.int().optional(),
  echoMode: z.boolean().optional(),
  passiveMode: z.boolean().optional(),
  minimumTtl: z.int().optional(),
});

export const frrRouter = z.strictObject({
  asn,
  id: z.string().optional(),
  vrf: z.string().optional(),
  neighbors: z.array(frrNeighbor).optional(),
  prefixes: z.array(z.string()).optional(),
  imports: z.array(z.strictObject({ vrf: z.string() })).optional(),
});

export const frrConfigurationSpec = z.strictObject({
  bgp: z
    .strictObject({
      routers: z.array(frrRouter).optional(),
      bfdProfiles: z.array(frrBfdProfile).optional(),
    })
    .optional(),
  raw: z.strictObject({ rawConfig: z.string().optional(), priority: z.int().optional() }).optional(),
  nodeSelector: labelSelector.optional(),
});

export type FrrConfigurationSpec = z.infer<typeof frrConfigurationSpec>;
export type FrrRouterSpec = z.infer<typeof frrRouter>;
export type FrrNeighborSpec = z.infer<typeof frrNeighbor>;
