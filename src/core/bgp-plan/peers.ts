// What a node's ServiceBGPStatus objects say (MetalLB 0.14+): for every Service the node
// advertises over BGP, the names of the BGPPeers its routes are configured to go to — every
// session of the node that carries one of its prefixes, whatever the session's state (MetalLB:
// "the service being actually advertised to a given peer depends on the session state and is not
// indicated here"). A Service the node advertises to no peer has no object.
import type { BgpNodePlan } from './node-plan.js';

/**
 * By `namespace/name`: the peer names, sorted (MetalLB lists them from a sorted set). Only peers
 * among `plan.sessions` count (a speaker leaves out the sessions it cannot run).
 */
export function advertisedPeers(plan: BgpNodePlan): Map<string, string[]> {
  const sessions = new Set(plan.sessions.map((s) => s.name));
  const out = new Map<string, string[]>();
  for (const [service, outcome] of plan.services) {
    if (outcome.kind !== 'peers') continue;
    const peers = [...outcome.peers].flatMap(([peer, result]) =>
      result.kind === 'routes' && sessions.has(peer) ? [peer] : [],
    );
    if (peers.length > 0) out.set(service, peers.sort());
  }
  return out;
}
