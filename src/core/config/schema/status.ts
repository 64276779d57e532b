// The status objects the speaker writes (metallb.io/v1beta1, MetalLB 0.14+): one ServiceL2Status
// per Service a node announces in layer 2, one ServiceBGPStatus per Service and node advertising
// it over BGP. They carry no configuration: the spec is empty, and what the speaker reports is in
// `status`. The CRDs in deploy/crds/ are generated from these shapes (crd/rules.ts adds the
// immutability rules MetalLB's CRDs have).
import { z } from 'zod';

/** Both kinds have an empty spec; MetalLB's clients send `spec: {}` or none. */
export const serviceStatusSpec = z.strictObject({});

const serviceFields = {
  serviceName: z.string().describe('The name of the Service this status is about.').optional(),
  serviceNamespace: z.string().describe('The namespace of the Service.').optional(),
};

export const serviceL2Status = z.strictObject({
  node: z
    .string()
    .describe('The node that answers ARP/NDP for the Service: traffic arrives there.')
    .optional(),
  ...serviceFields,
  interfaces: z
    .array(z.strictObject({ name: z.string().describe('The interface name.').optional() }))
    .describe('The interfaces the node answers on.')
    .optional(),
});

export const serviceBgpStatus = z.strictObject({
  node: z.string().describe('The node advertising the Service.').optional(),
  ...serviceFields,
  peers: z
    .array(z.string())
    .describe(
      'The BGPPeers the Service is to be advertised to from this node (whether a session is up is not said here).',
    )
    .optional(),
});

export type ServiceL2StatusBody = z.infer<typeof serviceL2Status>;
export type ServiceBgpStatusBody = z.infer<typeof serviceBgpStatus>;
