// The net_extras addon and its two adapters on real kernels: two namespaces joined by a veth,
// an agent process in each (net-extras-agent.ts), tcpdump on the server's side of the cable and
// the kernel's own drop counters (/proc/net/netstat) as witnesses. IPv4 and IPv6.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { bgpTtl } from '../../src/bgp/tcp-connect.js';
import { ip, isRoot, NamespaceSet } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FAILING_CONNECT_MS = 1500; // the first SYN and one retransmission (1 s)

type Answer = { ok: boolean; code?: string; message?: string } & Record<string, unknown>;
type Event = { event: string; data: string; ttl: number } & Record<string, unknown>;

/** One agent process inside a namespace; requests are JSON lines, answers matched by id. */
class Agent {
  readonly events: Event[] = [];
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private nextId = 1;
  private readonly child: ChildProcess;

  constructor(namespace: string) {
    const command = [process.execPath, '--import', 'tsx', 'test/integration/net-extras-agent.ts'];
    this.child = spawn('ip', ['netns', 'exec', namespace, ...command], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as Answer & Event & { id?: number };
      if (message.event) this.events.push(message);
      else this.waiting.get(message.id!)?.(message);
    });
  }

  request(op: string, args: Record<string, unknown> = {}): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  async ok(op: string, args: Record<string, unknown> = {}): Promise<Answer> {
    const answer = await this.request(op, args);
    assert.equal(answer.ok, true, `${op}: ${answer.code} ${answer.message}`);
    return answer;
  }

  async event(match: (e: Event) => boolean, ms = 3000): Promise<Event> {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(20)) {
      const found = this.events.find(match);
      if (found) return found;
    }
    throw new Error(`no matching event in ${ms} ms; have ${JSON.stringify(this.events)}`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

interface Packet {
  readonly from: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly ttl: number;
  readonly text: string;
}

/** tcpdump -v on an interface; stop() returns the packets, one per line (continuations joined). */
async function capture(namespace: string, filter: string): Promise<{ stop(): Promise<Packet[]> }> {
  const child = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-i', 'eth0', '-n', '-v', '-l', filter], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 5000);
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    stop: async () => {
      await sleep(200); // let the last packets reach the output
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return out
        .replace(/\n\s+/g, ' ')
        .split('\n')
        .flatMap((text) => {
          const ends = /\s(\S+)\.(\d+) > \S+\.(\d+):/.exec(text);
          const ttl = /\b(?:ttl|hlim) (\d+)/.exec(text);
          return ends && ttl
            ? [
                {
                  from: ends[1]!,
                  fromPort: Number(ends[2]),
                  toPort: Number(ends[3]),
                  ttl: Number(ttl[1]),
                  text,
                },
              ]
            : [];
        });
    },
  };
}

/** A TcpExt counter of the namespace's kernel (TCPMD5Failure, TCPMinTTLDrop, ...). */
function tcpExt(namespace: string, name: string): number {
  const text = execFileSync('ip', ['netns', 'exec', namespace, 'cat', '/proc/net/netstat'], {
    encoding: 'utf8',
  });
  const [names = '', values = ''] = text.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const index = names.split(/\s+/).indexOf(name);
  assert.ok(index > 0, `no counter TcpExt ${name}`);
  return Number(values.split(/\s+/)[index]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(
  'net_extras: TCP MD5, TTL and GTSM for BGP, received TTL for BFD',
  { skip: !isRoot() && 'needs root' },
  () => {
    const namespaces = new NamespaceSet('hnx-');
    let server = '';
    let client = '';
    let serverAgent: Agent;
    let clientAgent: Agent;
    const agents: Agent[] = [];

    before(async () => {
      server = namespaces.create('s');
      client = namespaces.create('c');
      const tmp = `hnx${process.pid % 100000}`;
      ip(
        'link',
        'add',
        `${tmp}s`,
        'netns',
        server,
        'type',
        'veth',
        'peer',
        'name',
        `${tmp}c`,
        'netns',
        client,
      );
      for (const [ns, side, n] of [
        [server, 's', 1],
        [client, 'c', 2],
      ] as const) {
        ip('-n', ns, 'link', 'set', `${tmp}${side}`, 'name', 'eth0');
        ip('-n', ns, 'addr', 'add', `10.99.0.${n}/24`, 'dev', 'eth0');
        ip('-n', ns, 'addr', 'add', `fd00:99::${n}/64`, 'dev', 'eth0', 'nodad');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
      }
      serverAgent = new Agent(server);
      clientAgent = new Agent(client);
      agents.push(serverAgent, clientAgent);
      await Promise.all([serverAgent.ok('ping'), clientAgent.ok('ping')]);
    });

    after(() => {
      for (const agent of agents) agent.kill();
      namespaces.cleanup();
    });

    for (const family of [4, 6] as const) {
      const serverIp = family === 4 ? '10.99.0.1' : 'fd00:99::1';
      const clientIp = family === 4 ? '10.99.0.2' : 'fd00:99::2';
      const portBase = family === 4 ? 41000 : 42000; // client source ports: each attempt its own
      const connect = (sourcePort: number, options: Record<string, unknown>) =>
        clientAgent.request('connect', {
          options: {
            peerAddress: serverIp,
            sourceAddress: clientIp,
            sourcePort,
            ttl: 255,
            timeoutMs: FAILING_CONNECT_MS,
            ...options,
          },
        });

      describe(`IPv${family}`, () => {
        after(async () => {
          await Promise.all([serverAgent.ok('reset'), clientAgent.ok('reset')]);
          for (const agent of agents) agent.events.length = 0;
        });

        it('TCP MD5: the right key connects and its SYN carries the MD5 option; a wrong key or none times out', async () => {
          await serverAgent.ok('listen', {
            family,
            local: serverIp,
            port: 1179,
            md5: [{ peer: clientIp, key: 'herald-secret' }],
          });
          const failuresBefore = tcpExt(server, 'TCPMD5Failure');
          const notFoundBefore = tcpExt(server, 'TCPMD5NotFound');
          const dump = await capture(server, 'tcp port 1179');
          const right = await connect(portBase + 1, { peerPort: 1179, password: 'herald-secret' });
          const [wrong, none] = await Promise.all([
            connect(portBase + 2, { peerPort: 1179, password: 'not-the-secret' }),
            connect(portBase + 3, { peerPort: 1179 }),
          ]);
          const packets = await dump.stop();

          assert.equal(right.ok, true, `${right.code} ${right.message}`);
          assert.equal(right.greeting, `hello ${clientIp}`);
          assert.deepEqual([wrong.code, none.code], ['ETIMEDOUT', 'ETIMEDOUT']);
          assert.ok(tcpExt(server, 'TCPMD5Failure') > failuresBefore, 'the wrong signature was counted');
          assert.ok(tcpExt(server, 'TCPMD5NotFound') > notFoundBefore, 'the missing signature was counted');
          const syn = (port: number) =>
            packets.find((p) => p.fromPort === port && /Flags \[S\]/.test(p.text));
          assert.match(syn(portBase + 1)?.text ?? 'no SYN', /\bmd5\b/);
          assert.match(syn(portBase + 2)?.text ?? 'no SYN', /\bmd5\b/);
          assert.doesNotMatch(syn(portBase + 3)?.text ?? 'md5 (no SYN)', /\bmd5\b/);
          // Every segment of the signed connection is signed, not just the SYN.
          const signed = packets.filter((p) => p.fromPort === portBase + 1);
          assert.ok(signed.length >= 3 && signed.every((p) => /\bmd5\b/.test(p.text)), 'all segments signed');
        });

        it('TTL: SYNs leave with the TTL asked for; eBGP default (1) reaches a directly connected peer', async () => {
          await serverAgent.ok('listen', { family, local: serverIp, port: 1180 });
          const dump = await capture(server, 'tcp port 1180');
          const ebgp = bgpTtl({ ibgp: false, ebgpMultiHop: false });
          const multihop = bgpTtl({ ibgp: false, ebgpMultiHop: true });
          const results = [
            await connect(portBase + 11, { peerPort: 1180, ttl: ebgp }),
            await connect(portBase + 12, { peerPort: 1180, ttl: multihop }),
          ];
          const packets = await dump.stop();

          for (const r of results) assert.equal(r.ok, true, `${r.code} ${r.message}`);
          const ttls = (port: number) =>
            new Set(packets.filter((p) => p.fromPort === port).map((p) => p.ttl));
          assert.deepEqual([...ttls(portBase + 11)], [1]);
          assert.deepEqual([...ttls(portBase + 12)], [255]);
          assert.deepEqual([ebgp, multihop, bgpTtl({ ibgp: true, ebgpMultiHop: false })], [1, 255, 255]);
        });

        it('GTSM: a listener with minTtl 255 ignores a peer sending with TTL 64 and accepts one with 255', async () => {
          await serverAgent.ok('listen', { family, local: serverIp, port: 1181, ttl: 255, minTtl: 255 });
          const dropsBefore = tcpExt(server, 'TCPMinTTLDrop');
          const low = await connect(portBase + 21, { peerPort: 1181, ttl: 64 });
          const high = await connect(portBase + 22, { peerPort: 1181, ttl: 255, minTtl: 255 });

          assert.equal(low.code, 'ETIMEDOUT');
          assert.ok(tcpExt(server, 'TCPMinTTLDrop') > dropsBefore, 'the kernel counted the GTSM drop');
          assert.equal(high.ok, true, `${high.code} ${high.message}`);
          assert.equal(high.greeting, `hello ${clientIp}`);
        });

        it('a closed port is refused at once; a key over 80 bytes is refused before any packet', async () => {
          const dump = await capture(server, 'tcp port 1999');
          const refused = await connect(portBase + 31, { peerPort: 1999 });
          const tooLong = await connect(portBase + 32, { peerPort: 1999, password: 'k'.repeat(81) });
          const packets = await dump.stop();

          assert.equal(refused.code, 'ECONNREFUSED');
          assert.equal(tooLong.code, 'EINVAL');
          assert.match(tooLong.message ?? '', /password: 81 bytes; a TCP MD5 key has at most 80/);
          assert.equal(packets.filter((p) => p.fromPort === portBase + 32).length, 0);
        });

        it('UDP: the TTL each datagram arrived with is reported (addon 255 and 1, dgram setTTL(254))', async () => {
          await serverAgent.ok('udpReceive', { family, local: serverIp, port: 40000 });
          const send = { family, local: clientIp, to: serverIp, toPort: 40000 };
          await clientAgent.ok('udpSend', { ...send, ttl: 255, data: 'addon-255' });
          await clientAgent.ok('udpSend', { ...send, ttl: 1, data: 'addon-1' });
          await clientAgent.ok('dgramSend', { ...send, ttl: 254, data: 'dgram-254' });

          for (const [data, ttl] of [
            ['addon-255', 255],
            ['addon-1', 1],
            ['dgram-254', 254],
          ] as const) {
            const received = await serverAgent.event((e) => e.event === 'udp' && e.data === data);
            assert.equal(received.ttl, ttl, data);
            assert.equal(received.from, clientIp);
          }
        });

        it('BFD transport: TTL 255 both ways from a source port in 49152–65535; TTL 254 is dropped and counted', async () => {
          const dump = await capture(server, 'udp port 3784');
          await serverAgent.ok('bfdStart', { local: serverIp, peer: clientIp });
          const { sourcePort } = (await clientAgent.ok('bfdStart', { local: clientIp, peer: serverIp })) as {
            sourcePort?: number;
          };
          await clientAgent.ok('bfdSend', { data: 'from-client' });
          await serverAgent.ok('bfdSend', { data: 'from-server' });
          const toServer = { family, local: clientIp, to: serverIp, toPort: 3784 };
          await clientAgent.ok('dgramSend', { ...toServer, ttl: 254, data: 'ttl-254' });
          await clientAgent.ok('dgramSend', { ...toServer, ttl: 255, data: 'ttl-255' });

          assert.equal((await serverAgent.event((e) => e.data === 'from-client')).ttl, 255);
          assert.equal((await clientAgent.event((e) => e.data === 'from-server')).ttl, 255);
          // Not a port rule: a plain socket sending with 255 gets through; 254 does not.
          await serverAgent.event((e) => e.data === 'ttl-255');
          assert.equal(serverAgent.events.filter((e) => e.data === 'ttl-254').length, 0);
          const { counters } = (await serverAgent.ok('bfdCounters')) as Answer & {
            counters: Record<string, number>;
          };
          assert.equal(counters.droppedTtl, 1);
          assert.equal(counters.received, 3);
          assert.equal(counters.sent, 1);

          const packets = await dump.stop();
          assert.ok(
            sourcePort !== undefined && sourcePort >= 49152 && sourcePort <= 65535,
            `source port ${sourcePort}`,
          );
          const fromClient = packets.filter((p) => p.from === clientIp && p.fromPort === sourcePort);
          assert.equal(fromClient.length, 1);
          assert.equal(fromClient[0]!.ttl, 255);
          assert.equal(fromClient[0]!.toPort, 3784);
        });
      });
    }
  },
);
