// Two standalone speakers and a client on a bridge, all in namespaces this test makes: the client
// resolves the VIP to the elected node's MAC; when that node's cable is pulled at the bridge,
// the other speaker takes over and its gratuitous ARP moves the client's neighbour entry.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { ip, isRoot, NamespaceSet } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const VIP = '10.97.0.100';
const VIP6 = 'fd00:97::100';
const NODES = {
  n1: { ip: '10.97.0.1', mac: '02:97:00:00:00:01' },
  n2: { ip: '10.97.0.2', mac: '02:97:00:00:00:02' },
};
type NodeName = keyof typeof NODES;

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lab, namespace: metallb-system }
spec: { addresses: [${VIP}/32, ${VIP6}/128] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: lab, namespace: metallb-system }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6], ports: [{ port: 80, protocol: TCP }] }
`;

interface Speaker {
  child: ChildProcess;
  logs: Record<string, unknown>[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe(
  'standalone speakers in a namespace lab',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    const namespaces = new NamespaceSet('hss');
    const speakers = new Map<NodeName, Speaker>();
    const dir = mkdtempSync(join(tmpdir(), 'herald-speaker-'));
    let client = '';
    let bridge = '';

    /** The node's last announce/withdraw line for the service says announce. */
    const announcing = (n: NodeName): boolean =>
      speakers
        .get(n)
        ?.logs.filter((l) => l.component === 'announce' && l.service === 'default/web')
        .at(-1)?.event === 'announce';
    const announcer = (): NodeName | undefined => (Object.keys(NODES) as NodeName[]).find(announcing);
    const clientSees = (vip = VIP): string => {
      spawnSync('ip', ['netns', 'exec', client, 'ping', '-c', '1', '-W', '1', vip], { stdio: 'ignore' });
      return /lladdr (\S+)/.exec(ip('-n', client, 'neigh', 'show', vip))?.[1] ?? '';
    };

    before(async () => {
      writeFileSync(join(dir, 'lab.yaml'), CONFIG);
      bridge = namespaces.create('br');
      client = namespaces.create('c');
      ip('-n', bridge, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', bridge, 'link', 'set', 'br0', 'up');
      const attach = (ns: string, port: string, address: string, mac?: string) => {
        const tmp = `hss${process.pid % 10000}${port}`;
        ip('link', 'add', tmp, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', bridge);
        ip('-n', ns, 'link', 'set', tmp, 'name', 'eth0');
        if (mac) ip('-n', ns, 'link', 'set', 'eth0', 'address', mac);
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        const host = address.split('.').at(-1) ?? '0';
        ip('-n', ns, 'addr', 'add', `fd00:97::${host}/64`, 'dev', 'eth0', 'nodad');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        ip('-n', bridge, 'link', 'set', port, 'master', 'br0');
        ip('-n', bridge, 'link', 'set', port, 'up');
      };
      attach(client, 'pc', '10.97.0.10');
      const peers = Object.values(NODES)
        .map((n) => `${n.ip}:7946`)
        .join(',');
      for (const [name, node] of Object.entries(NODES) as [NodeName, (typeof NODES)[NodeName]][]) {
        const ns = namespaces.create(name);
        attach(ns, `p${name}`, node.ip, node.mac);
        const child = spawn(
          'ip',
          [
            'netns',
            'exec',
            ns,
            process.execPath,
            '--max-semi-space-size=2',
            'bin/herald',
            'speaker',
            '--standalone',
            '--config',
            dir,
            '--node-name',
            name,
            '--gossip-listen',
            `${node.ip}:7946`,
            '--gossip-peers',
            peers,
            '--metrics-listen',
            `${node.ip}:7472`,
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const speaker: Speaker = { child, logs: [] };
        createInterface({ input: child.stdout }).on('line', (line) => {
          try {
            speaker.logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            // not a log line
          }
        });
        speakers.set(name, speaker);
      }
      await until(
        () =>
          (Object.keys(NODES) as NodeName[]).every((n) =>
            speakers.get(n)?.logs.some((l) => l.event === 'member' && l.to === 'alive'),
          ),
        15_000,
        'the speakers to see each other',
      );
      await until(() => announcer() !== undefined, 5000, 'an announcer');
    });

    after(() => {
      for (const s of speakers.values()) s.child.kill('SIGKILL');
      namespaces.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('exactly one speaker announces, and the client resolves the VIP to its MAC', () => {
      const winner = announcer()!;
      const others = (Object.keys(NODES) as NodeName[]).filter((n) => n !== winner);
      for (const o of others) assert.notEqual(announcer(), o);
      assert.equal(clientSees(), NODES[winner].mac);
    });

    it('metrics: the announcer reports metallb_speaker_announced and its ARP answers; the other does not', () => {
      const winner = announcer()!;
      const other = (Object.keys(NODES) as NodeName[]).find((n) => n !== winner)!;
      clientSees();
      const scrape = (n: NodeName) =>
        spawnSync(
          'ip',
          ['netns', 'exec', client, 'curl', '-s', '-m', '2', `http://${NODES[n].ip}:7472/metrics`],
          {
            encoding: 'utf8',
          },
        ).stdout;
      const mine = scrape(winner);
      assert.match(
        mine,
        /metallb_speaker_announced\{service="default\/web",protocol="layer2",node="n\d",ip="10\.97\.0\.100"\} 1/,
      );
      assert.match(mine, /metallb_layer2_responses_sent\{ip="10\.97\.0\.100"\} [1-9]/);
      assert.match(mine, /herald_gossip_members\{state="alive"\} 2/);
      assert.doesNotMatch(scrape(other), /metallb_speaker_announced\{/);
    });

    it("after the announcer's cable is pulled, the other takes over and the client's entry moves", async () => {
      const first = announcer()!;
      const second = (Object.keys(NODES) as NodeName[]).find((n) => n !== first)!;
      assert.equal(clientSees(), NODES[first].mac);
      assert.equal(clientSees(VIP6), NODES[first].mac, 'the IPv6 VIP resolves over NDP to the same node');
      ip('-n', bridge, 'link', 'set', `p${first}`, 'down');
      await until(() => announcing(second), 5000, `${second} to take over`);
      const transition = speakers
        .get(second)!
        .logs.find((l) => l.event === 'transition' && l.to === 'leader');
      assert.equal(transition?.reason, 'announcing');
      // The gratuitous ARP updates the client's existing entry without any request from it.
      await until(
        () => /lladdr (\S+)/.exec(ip('-n', client, 'neigh', 'show', VIP))?.[1] === NODES[second].mac,
        3000,
        'the client entry to move',
      );
      // The unsolicited advertisement (Override) moves the IPv6 entry the same way.
      await until(
        () => /lladdr (\S+)/.exec(ip('-n', client, 'neigh', 'show', VIP6))?.[1] === NODES[second].mac,
        3000,
        'the client IPv6 entry to move',
      );
    });

    it('SIGTERM: the speaker leaves and exits 0', async () => {
      const survivor = [...speakers.entries()].find(([, s]) => s.child.exitCode === null)!;
      const exited = new Promise<number | null>((resolve) =>
        survivor[1].child.once('exit', (code) => resolve(code)),
      );
      survivor[1].child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(survivor[1].logs.some((l) => l.event === 'stopped'));
    });
  },
);
