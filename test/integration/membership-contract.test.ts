// The MembershipTransport contract (test/unit/membership/contract.ts) against the real libp2p
// transport on loopback: TCP, the private network, noise, yamux and gossipsub.
import { systemClock } from '../../src/app/system-clock.js';
import { Libp2pTransport } from '../../src/gossip/libp2p-transport.js';
import { pskFromSecret } from '../../src/gossip/psk.js';
import { membershipTransportContract } from '../unit/membership/contract.js';
import { freePorts } from './ports.js';

membershipTransportContract('libp2p on loopback', () => {
  const psk = pskFromSecret('contract-secret');
  const transports: Libp2pTransport[] = [];
  return {
    clock: systemClock,
    make: async (node) => {
      const [port] = await freePorts(1);
      const address = `127.0.0.1:${port ?? 0}`;
      const transport = new Libp2pTransport({ node, listen: address, psk });
      transports.push(transport);
      return { transport, address };
    },
    close: async () => {
      await Promise.all(transports.map((t) => t.stop()));
    },
  };
});
