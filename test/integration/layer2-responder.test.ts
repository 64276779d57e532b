// The layer-2 responder on real kernels: a client namespace resolves a VIP that is configured on
// no interface, and its neighbour table holds the announcing node's MAC (IPv4 ARP and IPv6 NDP);
// nothing is answered on a disallowed interface or for an address not announced.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { ip, isRoot, NamespaceSet } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE_MAC = '02:42:0a:62:00:02';

function neighbour(ns: string, address: string): string {
  return ip('-n', ns, 'neigh', 'show', address).trim();
}

/** Makes the client resolve `address` (the ping itself needs no answer). */
function resolve(ns: string, address: string, iface = 'eth0'): void {
  const family = address.includes(':') ? '-6' : '-4';
  spawnSync('ip', ['netns', 'exec', ns, 'ping', family, '-c', '1', '-W', '1', '-I', iface, address], {
    stdio: 'ignore',
  });
}

describe(
  'layer-2 responder (network namespaces)',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    const namespaces = new NamespaceSet('hlr');
    let responder: ChildProcess | undefined;
    let client = '';
    let other = '';
    let node = '';
    const addresses = (ns: string, list: readonly string[]) => {
      for (const a of list)
        ip('-n', ns, 'addr', 'add', a, 'dev', 'eth0', ...(a.includes(':') ? ['nodad'] : []));
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
    };
    const pair = (a: string, aIf: string, b: string, bIf: string) => {
      const tmpA = `hlr${process.pid % 10000}${aIf}${a.slice(-1)}`;
      const tmpB = `hlr${process.pid % 10000}${bIf}${b.slice(-1)}`;
      ip('link', 'add', tmpA, 'netns', a, 'type', 'veth', 'peer', 'name', tmpB, 'netns', b);
      ip('-n', a, 'link', 'set', tmpA, 'name', aIf);
      ip('-n', b, 'link', 'set', tmpB, 'name', bIf);
    };

    before(async () => {
      client = namespaces.create('c');
      other = namespaces.create('o');
      node = namespaces.create('n');
      pair(client, 'eth0', node, 'eth0');
      pair(other, 'eth0', node, 'eth1');
      ip('-n', node, 'link', 'set', 'eth0', 'address', NODE_MAC);
      for (const [ns, addrs] of [
        [client, ['10.98.0.1/24', 'fd00:98::1/64']],
        [node, ['10.98.0.2/24', 'fd00:98::2/64']],
        [other, ['10.98.0.3/24', 'fd00:98::3/64']],
      ] as const) {
        addresses(ns, addrs);
      }
      ip('-n', node, 'link', 'set', 'eth1', 'up');
      responder = spawn(
        'ip',
        [
          'netns',
          'exec',
          node,
          process.execPath,
          '--import',
          'tsx',
          'test/support/responder-process.ts',
          '10.98.0.100,fd00:98::100',
          'eth0',
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolveReady, reject) => {
        const timer = setTimeout(() => reject(new Error('responder did not start')), 15_000);
        createInterface({ input: responder!.stdout! }).once('line', (line) => {
          clearTimeout(timer);
          if (line === 'ready') resolveReady();
          else reject(new Error(line));
        });
      });
    });

    after(() => {
      responder?.kill('SIGKILL');
      namespaces.cleanup();
    });

    it("the client learns the VIP at the announcing node's MAC over ARP", () => {
      resolve(client, '10.98.0.100');
      assert.match(neighbour(client, '10.98.0.100'), new RegExp(`lladdr ${NODE_MAC}`));
    });

    it("the client learns the IPv6 VIP at the announcing node's MAC over NDP", () => {
      resolve(client, 'fd00:98::100');
      assert.match(neighbour(client, 'fd00:98::100'), new RegExp(`lladdr ${NODE_MAC}`));
    });

    it('an address that is not announced gets no answer', () => {
      resolve(client, '10.98.0.101');
      assert.doesNotMatch(neighbour(client, '10.98.0.101'), /lladdr/);
    });

    it('after its interface is re-created, the responder re-opens its sockets and answers again', async () => {
      ip('-n', node, 'link', 'delete', 'eth0');
      pair(client, 'eth0', node, 'eth0');
      ip('-n', node, 'link', 'set', 'eth0', 'address', NODE_MAC);
      addresses(client, ['10.98.0.1/24']);
      addresses(node, ['10.98.0.2/24']);
      let seen = '';
      for (let i = 0; i < 30 && !seen.includes(NODE_MAC); i++) {
        await new Promise((r) => setTimeout(r, 200));
        resolve(client, '10.98.0.100');
        seen = neighbour(client, '10.98.0.100');
      }
      assert.match(seen, new RegExp(`lladdr ${NODE_MAC}`));
    });

    it('nothing is answered on an interface the advertisement does not allow', () => {
      resolve(other, '10.98.0.100');
      assert.doesNotMatch(neighbour(other, '10.98.0.100'), /lladdr/);
      resolve(other, 'fd00:98::100');
      assert.doesNotMatch(neighbour(other, 'fd00:98::100'), /lladdr/);
    });
  },
);
