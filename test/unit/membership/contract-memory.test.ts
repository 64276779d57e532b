// The MembershipTransport contract against the in-memory network the actor tests use.
import { systemClock } from '../../../src/app/system-clock.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';
import { membershipTransportContract } from './contract.js';

membershipTransportContract('in-memory network', () => {
  const network = new MemoryNetwork(systemClock, 1);
  return {
    clock: systemClock,
    // A seed address on this network is the member's name.
    make: (node) => Promise.resolve({ transport: network.transport(node), address: node }),
    close: async () => {
      await Promise.all([...network.transports.values()].map((t) => t.stop()));
    },
  };
});
