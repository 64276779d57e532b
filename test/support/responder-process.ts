// Runs a Layer2Responder in the current network namespace for integration tests:
//   node --import tsx test/support/responder-process.ts <ips,...> [interface,...]
// Announces the addresses (on the listed interfaces, or every usable one), prints "ready", and
// prints its counters as JSON when it receives SIGUSR1. SIGTERM stops it.
import { listInterfaces } from '../../src/announce/interfaces.js';
import { Layer2Responder } from '../../src/announce/layer2-responder.js';
import { openPacketSocket } from '../../src/announce/packet-socket.js';
import { superviseInterfaces } from '../../src/announce/interface-watch.js';
import { systemClock } from '../../src/app/system-clock.js';

const [ips = '', interfaces = ''] = process.argv.slice(2);
let all = await listInterfaces();
const responder = new Layer2Responder({
  clock: systemClock,
  interfaces: () => all,
  open: openPacketSocket,
  onError: (name, error) => console.error(`responder ${name}: ${String(error)}`),
});
responder.apply(
  new Map([
    [
      'test/svc',
      {
        service: 'test/svc',
        ips: ips.split(',').filter(Boolean),
        interfaces: interfaces.split(',').filter(Boolean),
      },
    ],
  ]),
);
superviseInterfaces(
  responder,
  (list) => {
    all = list;
  },
  200,
);
const counters = () => {
  const c = responder.counters;
  return {
    requestsReceived: Object.fromEntries(c.requestsReceived),
    responsesSent: Object.fromEntries(c.responsesSent),
    gratuitousSent: Object.fromEntries(c.gratuitousSent),
    dropped: Object.fromEntries(c.dropped),
  };
};
process.on('SIGUSR1', () => console.log(JSON.stringify(counters())));
process.on('SIGTERM', () => {
  responder.stop();
  console.log(JSON.stringify(counters()));
  process.exit(0);
});
console.log('ready');
