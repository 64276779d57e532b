// Why a node does not advertise a service (to a peer). Every "no" has a name; the order of the
// stages that produce them is in docs/design/bgp-plan.md.

/** The same on every node: about the service, its addresses and the advertisements. */
export type ServiceBgpReason =
  'noAddress' | 'noUsableEndpoint' | 'addressNotInAnyPool' | 'noBgpAdvertisement' | 'serviceNotSelected';

/** About one node: holds for every peer of that node. */
export type NodeBgpReason =
  | ServiceBgpReason
  | 'nodeNotSelectedByAdvertisement'
  | 'networkUnavailable'
  | 'excludedFromLoadBalancers'
  | 'noLocalEndpoint'
  | 'noPeers';

/** About one session of the node. */
export type PeerBgpReason = 'peerNotInAdvertisement' | 'addressFamilyNotEnabled';
