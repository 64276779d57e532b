// Test agent for liveness-release-order.test.ts, run inside a namespace: opens the liveness
// receiver as a speaker does at start, then two AF_PACKET sockets on lo as its layer-2 responder
// does later, prints which descriptors they got, and waits to be killed.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { openPacketSocket } from '../../src/announce/packet-socket.js';
import { LivenessUdp } from '../../src/gossip/liveness-udp.js';

const port = Number(process.argv[2]);
const liveness = new LivenessUdp({ address: '127.0.0.1', port });
await liveness.start({ received: () => undefined, refused: () => undefined });
for (const ethertype of [0x0806, 0x86dd]) openPacketSocket('lo', ethertype).start(() => undefined);

/** Socket inodes in a /proc/net table: udp rows have the inode 10th, packet rows 9th. */
function inodes(table: 'udp' | 'packet', keep: (columns: string[]) => boolean): Set<string> {
  const rows = readFileSync(`/proc/net/${table}`, 'utf8').trim().split('\n').slice(1);
  const at = table === 'udp' ? 9 : 8;
  return new Set(
    rows
      .map((r) => r.trim().split(/\s+/))
      .filter(keep)
      .map((c) => c[at] ?? ''),
  );
}
const receiver = inodes(
  'udp',
  (c) => c[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`) ?? false,
);
const packet = inodes('packet', () => true);
const fds = { receiver: [] as number[], packet: [] as number[] };
for (const fd of readdirSync('/proc/self/fd')) {
  let target: string;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    continue;
  }
  const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
  if (inode && receiver.has(inode)) fds.receiver.push(Number(fd));
  if (inode && packet.has(inode)) fds.packet.push(Number(fd));
}
process.stdout.write(`${JSON.stringify(fds)}\n`);
setInterval(() => undefined, 60_000);
