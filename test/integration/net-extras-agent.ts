// Runs inside one network namespace for net-extras.test.ts and does what the test asks, one JSON
// line per request on stdin, one JSON line per answer on stdout ({id, ok, ...} or {id, ok: false,
// code, message}); things that happen later (a datagram arrived) are {event, ...} lines.
//   ip netns exec NS node --import tsx test/integration/net-extras-agent.ts
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BfdUdpTransport } from '../../src/bfd/udp-transport.js';
import { connectBgp, type BgpConnectOptions } from '../../src/bgp/tcp-connect.js';
import type { BfdChannel } from '../../src/ports/bfd-transport.js';

interface UdpSocket {
  readonly localPort: number | undefined;
  start(onMessage: (data: Buffer, address: string, port: number, ttl: number) => void): void;
  send(data: Uint8Array, address: string, port: number): number;
  close(): void;
}
interface Addon {
  tcpServerSocket(options: object): number;
  setMd5(fd: number, family: number, address: string, key?: string): void;
  udpSocket(options: object): UdpSocket;
}
const addon = createRequire(import.meta.url)(
  fileURLToPath(new URL('../../native/net_extras/build/Release/net_extras.node', import.meta.url)),
) as Addon;

type Request = { id: number; op: string } & Record<string, unknown>;
const closers: (() => void)[] = [];
const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
let bfdChannel: BfdChannel | undefined;
let bfd: BfdUdpTransport | undefined;

const handlers: Record<string, (r: Request) => Promise<object> | object> = {
  // A TCP server that greets every connection with "hello <client address>" and closes it.
  listen: (r) => {
    const family = r.family as number;
    const fd = addon.tcpServerSocket({ family, local: r.local, port: r.port, ttl: r.ttl, minTtl: r.minTtl });
    for (const { peer, key } of (r.md5 ?? []) as { peer: string; key: string }[]) {
      addon.setMd5(fd, family, peer, key);
    }
    const server = net.createServer((socket) => socket.end(`hello ${socket.remoteAddress}\n`));
    closers.push(() => server.close());
    return new Promise((resolve) => server.listen({ fd }, () => resolve({})));
  },
  // connectBgp, then read the greeting to the end.
  connect: async (r) => {
    const started = performance.now();
    const socket = await connectBgp(r.options as BgpConnectOptions);
    const connectedMs = performance.now() - started;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    let greeting = '';
    for await (const chunk of socket) greeting += String(chunk);
    return { greeting: greeting.trim(), remote, connectedMs };
  },
  udpReceive: (r) => {
    const socket = addon.udpSocket({ family: r.family, local: r.local, port: r.port });
    socket.start((data, from, port, ttl) => write({ event: 'udp', data: data.toString(), from, port, ttl }));
    closers.push(() => socket.close());
    return {};
  },
  udpSend: (r) => {
    const socket = addon.udpSocket({ family: r.family, local: r.local, port: 0, ttl: r.ttl });
    socket.send(Buffer.from(r.data as string), r.to as string, r.toPort as number);
    socket.close();
    return {};
  },
  // Node's own dgram with setTTL: a sender that is not Herald.
  dgramSend: (r) => {
    const socket = dgram.createSocket(r.family === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.bind(0, r.local as string, () => {
        socket.setTTL(r.ttl as number);
        socket.send(r.data as string, r.toPort as number, r.to as string, (error) => {
          socket.close();
          if (error) reject(error);
          else resolve({});
        });
      });
    });
  },
  bfdStart: (r) => {
    bfd = new BfdUdpTransport({ localAddress: r.local as string });
    bfd.start();
    closers.push(() => bfd?.stop());
    bfdChannel = bfd.peer(r.peer as string).open({
      received: ({ payload, ttl }) => write({ event: 'bfd', data: Buffer.from(payload).toString(), ttl }),
    });
    return { sourcePort: bfd.sourcePort };
  },
  bfdSend: (r) => {
    bfdChannel?.send(Buffer.from(r.data as string));
    return {};
  },
  bfdCounters: () => ({ counters: bfd?.counters }),
  ping: () => ({}),
  reset: () => {
    for (const close of closers.splice(0)) close();
    bfd = bfdChannel = undefined;
    return {};
  },
};

async function answer(request: Request): Promise<void> {
  try {
    const handler = handlers[request.op];
    if (!handler) throw new Error(`unknown op ${request.op}`);
    write({ id: request.id, ok: true, ...(await handler(request)) });
  } catch (error) {
    const e = error as Error & { code?: string };
    write({ id: request.id, ok: false, code: e.code ?? e.name, message: e.message });
  }
}

// Requests run concurrently: a connect that waits for its timeout does not hold up the others.
for await (const line of createInterface({ input: process.stdin })) void answer(JSON.parse(line) as Request);
process.exit(0);
