// ServiceBGPStatus objects (MetalLB 0.14+): one per Service this node advertises over BGP, its
// status naming the BGPPeers the Service's routes are configured to go to from this node
// (core/bgp-plan/peers.ts: advertisedPeers); src/k8s/service-status.ts does the writing.
import { BGP_STATUS, ServiceStatusWriter, statusName, type StatusOptions } from './service-status.js';

export const bgpStatusName = (node: string, service: string): string => statusName(BGP_STATUS, node, service);

/** `apply` takes, by `namespace/name`, the sorted peer names. */
export class BgpStatusReporter extends ServiceStatusWriter<readonly string[]> {
  constructor(options: StatusOptions) {
    super(BGP_STATUS, options, (peers) => ({ peers: [...peers] }));
  }
}
