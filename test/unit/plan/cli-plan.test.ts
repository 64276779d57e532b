// `herald plan` as a user runs it: bin/herald from the checkout (needs `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureFile } from '../config/helpers.js';
import { node, ranked } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'herald');

function herald(...args: string[]) {
  const result = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'herald-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const nodes = join(tmp, 'nodes.yaml');
writeFileSync(nodes, [node('worker-1'), node('worker-2')].join('\n---\n'));
const seed = ['001', '003', '004'].map(fixtureFile);

describe('herald plan', () => {
  it('--ignore-exclude-lb: a Node labelled exclude-from-external-load-balancers may announce', () => {
    const excluded = join(tmp, 'excluded.yaml');
    writeFileSync(
      excluded,
      node('worker-1', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }),
    );
    const reasons = (...flags: string[]) => {
      const run = herald('plan', '-o', 'json', ...flags, ...seed, excluded);
      assert.equal(run.code, 0, run.stderr);
      return (JSON.parse(run.stdout) as { services: { nodes: Record<string, string> }[] }).services[0]?.nodes;
    };
    assert.deepEqual(reasons(), { 'worker-1': 'excludedFromLoadBalancers' });
    assert.deepEqual(reasons('--ignore-exclude-lb'), { 'worker-1': 'announcing' });
  });

  it('prints the JSON plan and exits 0; --members overrides the alive set', () => {
    const run = herald('plan', '--output', 'json', ...seed, nodes);
    assert.equal(run.code, 0, run.stderr);
    const [winner, loser] = ranked(['worker-1', 'worker-2'], '192.168.123.200');
    assert.deepEqual(JSON.parse(run.stdout), {
      services: [
        {
          namespace: 'vmexamples',
          name: 'database-metallb',
          ips: ['192.168.123.200'],
          l2: { node: winner, interfaces: [] },
          nodes: {
            'worker-1': winner === 'worker-1' ? 'announcing' : 'notOwner',
            'worker-2': winner === 'worker-2' ? 'announcing' : 'notOwner',
          },
        },
      ],
    });
    const moved = herald('plan', '-o', 'json', '--members', loser!, ...seed, nodes);
    assert.equal(moved.code, 0, moved.stderr);
    const out = JSON.parse(moved.stdout) as { services: { l2: { node: string } }[] };
    assert.equal(out.services[0]?.l2.node, loser);
    const text = herald('plan', ...seed, nodes);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /announced by worker-\d on all interfaces/);
  });

  it('examples/bgp: a bgp section per service and the sessions, in text and JSON; no password', () => {
    const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'bgp');
    const text = herald('plan', example);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    const api = lines.indexOf('default/api: 203.0.113.21 (pool public)');
    assert.ok(api >= 0, text.stdout);
    const bgp = lines.indexOf('  bgp:', api);
    assert.deepEqual(lines.slice(bgp, bgp + 6), [
      '  bgp:',
      '    node1          noLocalEndpoint',
      '    node2 → edge   203.0.113.16/28  communities 65535:65281',
      '                   203.0.113.21/32  communities 64512:100  large 64512:1:1',
      '    node2 → tor-b  203.0.113.21/32  localPref 200  communities 64512:100  large 64512:1:1',
      '    node3          noLocalEndpoint',
    ]);
    assert.ok(lines.includes('  bgp: not advertised (serviceNotSelected)'));
    assert.match(
      text.stdout,
      /^ {2}node1 → tor-a {2}10\.88\.1\.1:179 {2}iBGP AS 64512 .* bfd fast \(rx 100ms tx 100ms ×3\)$/m,
    );
    assert.ok(!text.stdout.includes('example-only-secret'));

    const json = herald('plan', '-o', 'json', example);
    assert.equal(json.code, 0, json.stderr);
    assert.ok(!json.stdout.includes('example-only-secret'));
    const out = JSON.parse(json.stdout) as {
      services: { name: string; bgp: { reason?: string; nodes: Record<string, unknown> } }[];
      bgpSessions: Record<string, { peer: string; auth: string }[]>;
    };
    assert.deepEqual(
      out.services.map((s) => [s.name, s.bgp.reason ?? null, Object.keys(s.bgp.nodes)]),
      [
        ['web', null, ['node1', 'node2', 'node3']],
        ['api', null, ['node1', 'node2', 'node3']],
        ['metrics', null, ['node1', 'node2', 'node3']],
        ['batch', 'serviceNotSelected', ['node1', 'node2', 'node3']],
      ],
    );
    assert.deepEqual(out.services[2]?.bgp.nodes.node1, {
      peers: {
        edge: { reason: 'peerNotInAdvertisement' },
        'tor-a': {
          routes: [
            { prefix: '10.88.0.5/32', nextHop: 'self', localPref: 50, communities: [], largeCommunities: [] },
          ],
        },
      },
    });
    assert.deepEqual(
      Object.entries(out.bgpSessions).map(([n, list]) => [n, list.map((s) => `${s.peer}:${s.auth}`)]),
      [
        ['node1', ['edge:password', 'tor-a:none']],
        ['node2', ['edge:password', 'tor-b:none']],
        ['node3', []],
      ],
    );
  });

  it('exits 2 on a bad --output and on an invalid configuration', () => {
    const bad = herald('plan', '--output', 'yaml', ...seed);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--output must be "text" or "json"/);
    const invalid = join(tmp, 'invalid.yaml');
    writeFileSync(
      invalid,
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [not-an-ip]}',
    );
    const run = herald('plan', invalid, nodes);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid\.yaml: .*\n.*error\(s\); no plan/);
    assert.equal(run.stdout, '');
  });
});
